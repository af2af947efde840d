package dev.hark.audio;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Computes as many frames at once as a SIMD register holds floats (16 with AVX-512, 8 with AVX2), with the JDK's
 * Vector API: lane f of every vector belongs to frame f, so each step of the FFT, the power spectrum, the mel sum
 * and the logarithm is one instruction for all those frames. Frames are gathered into lanes with SIMD gathers; the
 * FFT is a radix-4 Stockham transform (self-sorting) of nFft/2 complex points (even samples as real, odd as
 * imaginary parts), then split into the real spectrum.
 *
 * <p>No fused multiply-add: where a CPU lacks it, the Vector API would emulate it in software, very slowly.
 *
 * <p>Needs {@code --add-modules jdk.incubator.vector}; {@link LogMelExtractor} falls back to
 * {@link ScalarFrameEngine} without it. A frame's arithmetic is the same in every lane, so results do not depend
 * on how frames are grouped.
 */
final class SimdFrameEngine implements FrameEngine {
    /** Must stay a static final constant: the JIT turns Vector API calls into SIMD instructions only for those. */
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final float LN2 = 0.6931471805599453f;

    private final FeatureSpec spec;
    private final int lanes;
    private final int half;
    /** Per radix-4 pass: w^p, w^2p, w^3p (re, im interleaved) for p = 0 .. n/4 - 1, w = e^{-2 pi i / n}. */
    private final float[][] twiddles;
    private final boolean radix2Tail;
    private final int gatherHop;
    private final int[] gatherOffsets;
    private final float[] window;
    private final int packFrom;
    private final int packTo;
    private final float[] splitRe;
    private final float[] splitIm;
    private final int[] bandStart;
    private final float[][] bandWeights;
    private final float[][] dct;
    private float[] re;
    private float[] im;
    private float[] re2;
    private float[] im2;
    private final float[] power;
    /** Per band (or coefficient), one vector of lanes: the finished values before they are transposed out. */
    private final float[] rows;
    private final float[] logRows;

    SimdFrameEngine(FeatureSpec spec, float[][] dct) {
        this.spec = spec;
        this.lanes = SPECIES.length();
        this.half = spec.nFft() / 2;
        if (half < 4) {
            throw new IllegalArgumentException("the SIMD engine needs nFft >= 8");
        }
        int offset = (spec.nFft() - spec.winLength()) / 2;
        this.window = new float[spec.nFft()];
        System.arraycopy(LogMelExtractor.periodicHann(spec.winLength()), 0, window, offset, spec.winLength());
        this.packFrom = offset / 2;
        this.packTo = (offset + spec.winLength() + 1) / 2;
        int passes = Integer.numberOfTrailingZeros(half) / 2;
        this.radix2Tail = Integer.numberOfTrailingZeros(half) % 2 == 1;
        this.twiddles = new float[passes][];
        for (int pass = 0, n = half; pass < passes; pass++, n /= 4) {
            twiddles[pass] = new float[6 * (n / 4)];
            for (int p = 0; p < n / 4; p++) {
                for (int r = 1; r <= 3; r++) {
                    double angle = -2 * Math.PI * p * r / n;
                    twiddles[pass][6 * p + 2 * (r - 1)] = (float) Math.cos(angle);
                    twiddles[pass][6 * p + 2 * (r - 1) + 1] = (float) Math.sin(angle);
                }
            }
        }
        this.gatherHop = spec.hopLength();
        this.gatherOffsets = gatherOffsets(spec.hopLength());
        this.splitRe = new float[half + 1];
        this.splitIm = new float[half + 1];
        for (int k = 0; k <= half; k++) {
            splitRe[k] = (float) Math.cos(-2 * Math.PI * k / spec.nFft());
            splitIm[k] = (float) Math.sin(-2 * Math.PI * k / spec.nFft());
        }
        MelFilterbank fb = new MelFilterbank(spec);
        this.bandStart = new int[spec.nMels()];
        this.bandWeights = new float[spec.nMels()][];
        for (int m = 0; m < spec.nMels(); m++) {
            bandStart[m] = fb.bandStart(m);
            bandWeights[m] = fb.bandWeights(m);
        }
        this.dct = dct;
        this.re = new float[half * lanes];
        this.im = new float[half * lanes];
        this.re2 = new float[half * lanes];
        this.im2 = new float[half * lanes];
        this.power = new float[(half + 1) * lanes];
        this.rows = new float[spec.featuresPerFrame() * lanes];
        this.logRows = new float[spec.nMels() * lanes];
    }

    /** Whether the Vector API is usable in this JVM (the module is resolved and a vector species exists). */
    static boolean available() {
        try {
            return FloatVector.SPECIES_PREFERRED.length() >= 4;
        } catch (Throwable t) {
            return false;
        }
    }

    @Override
    public String name() {
        return "simd-" + lanes + "x" + Float.SIZE;
    }

    @Override
    public void frames(float[] signal, int firstStart, int count, float[] out, int outOffset) {
        int hop = spec.hopLength();
        int width = spec.featuresPerFrame();
        for (int done = 0; done < count; done += lanes) {
            int used = Math.min(lanes, count - done);
            pack(signal, firstStart + done * hop, hop, used);
            fft();
            powerSpectrum();
            melLogAndDct();
            for (int f = 0; f < used; f++) {
                int at = outOffset + (done + f) * width;
                for (int c = 0; c < width; c++) {
                    out[at + c] = rows[c * lanes + f];
                }
            }
        }
    }

    /** Windows frame f into lane f as z[n] = x[2n] + i x[2n+1]; unused lanes get silence. */
    private void pack(float[] signal, int start, int hop, int used) {
        Arrays.fill(re, 0, packFrom * lanes, 0f);
        Arrays.fill(im, 0, packFrom * lanes, 0f);
        Arrays.fill(re, packTo * lanes, re.length, 0f);
        Arrays.fill(im, packTo * lanes, im.length, 0f);
        if (used < lanes) {
            packPartial(signal, start, hop, used);
            return;
        }
        int[] offsets = hop == gatherHop ? gatherOffsets : gatherOffsets(hop);
        for (int n = packFrom; n < packTo; n++) {
            int j = 2 * n;
            FloatVector.fromArray(SPECIES, signal, start + j, offsets, 0).mul(window[j]).intoArray(re, n * lanes);
            FloatVector.fromArray(SPECIES, signal, start + j + 1, offsets, 0).mul(window[j + 1]).intoArray(im, n * lanes);
        }
    }

    /** The last, partly filled batch of a call: plain loops (a gather would read past the signal). */
    private void packPartial(float[] signal, int start, int hop, int used) {
        for (int n = packFrom; n < packTo; n++) {
            int j = 2 * n;
            for (int f = 0; f < lanes; f++) {
                boolean live = f < used;
                re[n * lanes + f] = live ? window[j] * signal[start + f * hop + j] : 0f;
                im[n * lanes + f] = live ? window[j + 1] * signal[start + f * hop + j + 1] : 0f;
            }
        }
    }

    private int[] gatherOffsets(int hop) {
        int[] offsets = new int[lanes];
        for (int f = 0; f < lanes; f++) {
            offsets[f] = f * hop;
        }
        return offsets;
    }

    /**
     * Stockham FFT, decimation in frequency: radix-4 passes, then one radix-2 pass if the size is not a power of
     * four. Natural order in and out; ping-pongs between two buffer pairs.
     */
    private void fft() {
        int stride = 1;
        int pass = 0;
        for (int n = half; n >= 4; n /= 4, pass++) {
            radix4Pass(n, stride, twiddles[pass], re, im, re2, im2);
            swapBuffers();
            stride *= 4;
        }
        if (radix2Tail) {
            radix2Pass(stride, re, im, re2, im2);
            swapBuffers();
        }
    }

    /** One radix-4 pass over sequences of length {@code n}, {@code stride} apart: x in, y out. */
    private void radix4Pass(int n, int stride, float[] w, float[] xr, float[] xi, float[] yr, float[] yi) {
        int quarter = n / 4;
        int run = stride * lanes;
        for (int p = 0; p < quarter; p++) {
            float w1r = w[6 * p];
            float w1i = w[6 * p + 1];
            float w2r = w[6 * p + 2];
            float w2i = w[6 * p + 3];
            float w3r = w[6 * p + 4];
            float w3i = w[6 * p + 5];
            int a = p * run;
            int b = (p + quarter) * run;
            int c = (p + 2 * quarter) * run;
            int d = (p + 3 * quarter) * run;
            int o = 4 * p * run;
            for (int t = 0; t < run; t += lanes) {
                FloatVector ar = FloatVector.fromArray(SPECIES, xr, a + t);
                FloatVector ai = FloatVector.fromArray(SPECIES, xi, a + t);
                FloatVector br = FloatVector.fromArray(SPECIES, xr, b + t);
                FloatVector bi = FloatVector.fromArray(SPECIES, xi, b + t);
                FloatVector cr = FloatVector.fromArray(SPECIES, xr, c + t);
                FloatVector ci = FloatVector.fromArray(SPECIES, xi, c + t);
                FloatVector dr = FloatVector.fromArray(SPECIES, xr, d + t);
                FloatVector di = FloatVector.fromArray(SPECIES, xi, d + t);
                FloatVector apcR = ar.add(cr);
                FloatVector apcI = ai.add(ci);
                FloatVector amcR = ar.sub(cr);
                FloatVector amcI = ai.sub(ci);
                FloatVector bpdR = br.add(dr);
                FloatVector bpdI = bi.add(di);
                // j (b - d) = -(bi - di) + j (br - dr)
                FloatVector jbmdR = di.sub(bi);
                FloatVector jbmdI = br.sub(dr);
                apcR.add(bpdR).intoArray(yr, o + t);
                apcI.add(bpdI).intoArray(yi, o + t);
                FloatVector y1r = amcR.sub(jbmdR);
                FloatVector y1i = amcI.sub(jbmdI);
                y1r.mul(w1r).sub(y1i.mul(w1i)).intoArray(yr, o + run + t);
                y1r.mul(w1i).add(y1i.mul(w1r)).intoArray(yi, o + run + t);
                FloatVector y2r = apcR.sub(bpdR);
                FloatVector y2i = apcI.sub(bpdI);
                y2r.mul(w2r).sub(y2i.mul(w2i)).intoArray(yr, o + 2 * run + t);
                y2r.mul(w2i).add(y2i.mul(w2r)).intoArray(yi, o + 2 * run + t);
                FloatVector y3r = amcR.add(jbmdR);
                FloatVector y3i = amcI.add(jbmdI);
                y3r.mul(w3r).sub(y3i.mul(w3i)).intoArray(yr, o + 3 * run + t);
                y3r.mul(w3i).add(y3i.mul(w3r)).intoArray(yi, o + 3 * run + t);
            }
        }
    }

    /** The last pass when the size is not a power of four (n == 2): a + b, a - b. */
    private void radix2Pass(int stride, float[] xr, float[] xi, float[] yr, float[] yi) {
        int run = stride * lanes;
        for (int t = 0; t < run; t += lanes) {
            FloatVector ar = FloatVector.fromArray(SPECIES, xr, t);
            FloatVector ai = FloatVector.fromArray(SPECIES, xi, t);
            FloatVector br = FloatVector.fromArray(SPECIES, xr, run + t);
            FloatVector bi = FloatVector.fromArray(SPECIES, xi, run + t);
            ar.add(br).intoArray(yr, t);
            ai.add(bi).intoArray(yi, t);
            ar.sub(br).intoArray(yr, run + t);
            ai.sub(bi).intoArray(yi, run + t);
        }
    }

    /** The output of a pass is the input of the next. */
    private void swapBuffers() {
        float[] swap = re;
        re = re2;
        re2 = swap;
        swap = im;
        im = im2;
        im2 = swap;
    }

    /** |X[k]|^2 for k = 0 .. nFft/2 from the half-size complex transform Z held in re/im. */
    private void powerSpectrum() {
        FloatVector z0r = FloatVector.fromArray(SPECIES, re, 0);
        FloatVector z0i = FloatVector.fromArray(SPECIES, im, 0);
        FloatVector dc = z0r.add(z0i);
        FloatVector nyquist = z0r.sub(z0i);
        dc.mul(dc).intoArray(power, 0);
        nyquist.mul(nyquist).intoArray(power, half * lanes);
        FloatVector halfV = FloatVector.broadcast(SPECIES, 0.5f);
        for (int k = 1; k < half; k++) {
            FloatVector zr = FloatVector.fromArray(SPECIES, re, k * lanes);
            FloatVector zi = FloatVector.fromArray(SPECIES, im, k * lanes);
            FloatVector yr = FloatVector.fromArray(SPECIES, re, (half - k) * lanes);
            FloatVector yi = FloatVector.fromArray(SPECIES, im, (half - k) * lanes).neg(); // conj(Z[half - k])
            FloatVector er = zr.add(yr).mul(halfV);
            FloatVector ei = zi.add(yi).mul(halfV);
            FloatVector or = zr.sub(yr).mul(halfV);
            FloatVector oi = zi.sub(yi).mul(halfV);
            float cr = splitRe[k];
            float ci = splitIm[k];
            // X[k] = E[k] - i w^k O'[k], w = e^{-2 pi i / nFft}
            FloatVector tr = or.mul(cr).sub(oi.mul(ci));
            FloatVector ti = or.mul(ci).add(oi.mul(cr));
            FloatVector xr = er.add(ti);
            FloatVector xi = ei.sub(tr);
            xr.mul(xr).add(xi.mul(xi)).intoArray(power, k * lanes);
        }
    }

    private void melLogAndDct() {
        FloatVector offset = FloatVector.broadcast(SPECIES, (float) spec.logOffset());
        float[] target = dct == null ? rows : logRows;
        for (int m = 0; m < bandWeights.length; m++) {
            float[] w = bandWeights[m];
            int k0 = bandStart[m];
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int j = 0; j < w.length; j++) {
                acc = FloatVector.fromArray(SPECIES, power, (k0 + j) * lanes).mul(w[j]).add(acc);
            }
            ln(acc.add(offset)).intoArray(target, m * lanes);
        }
        if (dct == null) {
            return;
        }
        for (int k = 0; k < dct.length; k++) {
            float[] row = dct[k];
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int m = 0; m < row.length; m++) {
                acc = FloatVector.fromArray(SPECIES, logRows, m * lanes).mul(row[m]).add(acc);
            }
            acc.intoArray(rows, k * lanes);
        }
    }

    /** {@link FastLog}'s method in every lane; the inputs here are positive normal floats (mel + offset). */
    static FloatVector ln(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        IntVector exponent = bits.lanewise(VectorOperators.LSHR, 23).sub(127);
        IntVector mantissa = bits.and(0x7FFFFF);
        VectorMask<Integer> fold = mantissa.compare(VectorOperators.GT, 0x3504F3);
        // mantissa above sqrt(2): use m / 2 (exponent field 126) and exponent + 1
        IntVector mBits = mantissa.or(0x3F800000).blend(mantissa.or(0x3F000000), fold);
        exponent = exponent.blend(exponent.add(1), fold);
        FloatVector m = mBits.reinterpretAsFloats();
        FloatVector s = m.sub(1f).div(m.add(1f));
        FloatVector s2 = s.mul(s);
        FloatVector series = s2.mul(2f / 9).add(2f / 7).mul(s2).add(2f / 5).mul(s2).add(2f / 3).mul(s2).add(2f).mul(s);
        FloatVector e = (FloatVector) exponent.convert(VectorOperators.I2F, 0);
        return e.mul(LN2).add(series);
    }
}
