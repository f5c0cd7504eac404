"""liplate postprocessing: figure scripts (matplotlib), a pyvista quick-look and ParaView scripts.

Each module is also a command-line script; see postprocessing/README.md.
"""
