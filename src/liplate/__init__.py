"""liplate: lithium plating at the current collector of anode-free all-solid-state cells.

Data flows one way: case directory -> validated :class:`~liplate.case.Case` (SI numbers with
sources) -> model (FiPy equations) -> stepper -> writers -> postprocessing.
"""
import os as _os

# Open MPI prints loader noise for fabric plug-ins absent on workstations; keep real errors.
_os.environ.setdefault("OMPI_MCA_mca_base_component_show_load_errors", "0")
_os.environ.setdefault("OMP_NUM_THREADS", "1")

__version__ = "0.1.0"
