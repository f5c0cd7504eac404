"""Writers: VTU frames + PVD, time series, summary, checkpoints. All writes are atomic."""
