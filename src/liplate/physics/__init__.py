"""Small pure functions of the physics (SI in, SI out). No I/O, no FiPy state."""
