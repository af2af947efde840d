package dev.hark.evaluation;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Draws frames of features as a PNG: time left to right, band 0 at the bottom, viridis colours from min to max. */
public final class SpectrogramImage {
    /** Viridis at 0, 0.25, 0.5, 0.75, 1. */
    private static final int[][] STOPS = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};

    private SpectrogramImage() {
    }

    public static BufferedImage render(float[] frames, int width, int pixelsPerFrame, int pixelsPerBand) {
        if (width < 1 || frames.length % width != 0 || frames.length == 0) {
            throw new IllegalArgumentException("need a non-empty [frames][" + width + "] array, got " + frames.length + " values");
        }
        int count = frames.length / width;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : frames) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float range = max > min ? max - min : 1f;
        BufferedImage image = new BufferedImage(count * pixelsPerFrame, width * pixelsPerBand, BufferedImage.TYPE_INT_RGB);
        for (int f = 0; f < count; f++) {
            for (int b = 0; b < width; b++) {
                int rgb = colour((frames[f * width + b] - min) / range);
                int y0 = (width - 1 - b) * pixelsPerBand;
                for (int dx = 0; dx < pixelsPerFrame; dx++) {
                    for (int dy = 0; dy < pixelsPerBand; dy++) {
                        image.setRGB(f * pixelsPerFrame + dx, y0 + dy, rgb);
                    }
                }
            }
        }
        return image;
    }

    public static void write(Path png, float[] frames, int width) throws IOException {
        if (!ImageIO.write(render(frames, width, 2, 6), "png", png.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    static int colour(float t) {
        float x = Math.max(0f, Math.min(1f, t)) * (STOPS.length - 1);
        int i = Math.min(STOPS.length - 2, (int) x);
        float u = x - i;
        int r = Math.round(STOPS[i][0] + u * (STOPS[i + 1][0] - STOPS[i][0]));
        int g = Math.round(STOPS[i][1] + u * (STOPS[i + 1][1] - STOPS[i][1]));
        int b = Math.round(STOPS[i][2] + u * (STOPS[i + 1][2] - STOPS[i][2]));
        return (r << 16) | (g << 8) | b;
    }
}
