package dev.hark.audio;

/** Filterbank normalisation. */
public enum MelNorm {
    /** Triangles peak at 1. */
    NONE,
    /** Each triangle scaled to unit area: 2 / (f[m+2] - f[m]). */
    SLANEY
}
