"""Physical constants (CODATA 2018, exact SI values where defined)."""
FARADAY = 96485.33212          # C/mol
GAS_CONSTANT = 8.314462618     # J/(mol K)
BOLTZMANN_EV = 8.617333262e-5  # eV/K
ELEMENTARY_CHARGE = 1.602176634e-19  # C


def thermal_voltage(temperature: float) -> float:
    """RT/F in volts."""
    return GAS_CONSTANT * temperature / FARADAY
