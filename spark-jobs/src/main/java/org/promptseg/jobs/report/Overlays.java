package org.promptseg.jobs.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Axial slice overlays: the CT slice in a HU window, ground-truth contours in green and predicted
 * contours in red (any foreground class boundary). Report images are patient data; callers honour
 * {@code --no-images}.
 */
public final class Overlays {
    private static final int GT = new Color(40, 220, 70).getRGB();
    private static final int PRED = new Color(240, 50, 50).getRGB();

    private Overlays() {}

    /**
     * @param image  volume values in (z, y, x) order, x fastest (HU or normalised)
     * @param dims   {z, y, x}
     * @param z      the slice
     * @param lo     window low (black)
     * @param hi     window high (white)
     * @param gt     ground-truth labels (may be null)
     * @param pred   predicted labels (may be null)
     * @param scale  integer upscaling for visibility
     */
    public static byte[] axialPng(float[] image, int[] dims, int z, float lo, float hi, byte[] gt, byte[] pred, int scale, String caption) {
        int ny = dims[1];
        int nx = dims[2];
        BufferedImage img = new BufferedImage(nx * scale, ny * scale + (caption == null ? 0 : 18), BufferedImage.TYPE_INT_RGB);
        int offset = z * ny * nx;
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                int i = offset + y * nx + x;
                float v = (image[i] - lo) / (hi - lo);
                int g = Math.max(0, Math.min(255, Math.round(v * 255)));
                int rgb = (g << 16) | (g << 8) | g;
                if (gt != null && isBoundary(gt, offset, ny, nx, y, x)) {
                    rgb = GT;
                }
                if (pred != null && isBoundary(pred, offset, ny, nx, y, x)) {
                    rgb = rgb == GT ? new Color(240, 220, 40).getRGB() : PRED;
                }
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        // image rows top-down = increasing y index
                        img.setRGB(x * scale + dx, y * scale + dy, rgb);
                    }
                }
            }
        }
        if (caption != null) {
            Graphics2D g = img.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(caption, 4, ny * scale + 14);
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A foreground voxel with a 4-neighbour of a different label. */
    static boolean isBoundary(byte[] labels, int offset, int ny, int nx, int y, int x) {
        int v = labels[offset + y * nx + x];
        if (v == 0) {
            return false;
        }
        return (x == 0 || labels[offset + y * nx + x - 1] != v) || (x == nx - 1 || labels[offset + y * nx + x + 1] != v)
                || (y == 0 || labels[offset + (y - 1) * nx + x] != v) || (y == ny - 1 || labels[offset + (y + 1) * nx + x] != v);
    }

    /** The slice with the most foreground voxels in {@code labels} (falls back to the middle slice). */
    public static int busiestSlice(byte[] labels, int[] dims) {
        int best = dims[0] / 2;
        long bestCount = 0;
        int plane = dims[1] * dims[2];
        for (int z = 0; z < dims[0]; z++) {
            long count = 0;
            for (int i = z * plane; i < (z + 1) * plane; i++) {
                if (labels[i] != 0) {
                    count++;
                }
            }
            if (count > bestCount) {
                bestCount = count;
                best = z;
            }
        }
        return best;
    }
}
