package org.promptseg.volume.synth;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One synthetic patient, in world mm (RAS: +x to the patient's right, +y anterior, +z superior; origin near the centre
 * of the abdomen): body outline and fat layer, lungs, spine and ribs, gas pockets, and the labelled organs with their
 * per-case size, position, shape and enhancement variation.
 */
final class Anatomy {
    /** Extent of the scanned region along z (mm), centred on 0. */
    static final double Z_EXTENT_MM = 360;

    final double bodyA;
    final double bodyB;
    final double bodyCy;
    final double fatFraction;
    final Blob[] lungs;
    final double spineX, spineY, spineA, spineB;
    final double ribPhase;
    final Blob[] gas;
    final Map<Organ, Blob> organs = new EnumMap<>(Organ.class);
    final double aortaX, aortaY, aortaR, aortaBend;
    final Blob[] perirenalFat;
    final Map<Organ, Double> enhancementJitter = new EnumMap<>(Organ.class);
    /** Low-frequency texture: three separable cosine products (wave numbers rad/mm, phases, amplitudes HU). */
    final double[][] texture;

    Anatomy(SplittableRandom r) {
        double scale = 0.9 + 0.2 * r.nextDouble();
        bodyA = 158 * scale * (0.95 + 0.1 * r.nextDouble());
        bodyB = 112 * scale * (0.95 + 0.1 * r.nextDouble());
        bodyCy = 5 + (r.nextDouble() - 0.5) * 10;
        fatFraction = 0.06 + 0.08 * r.nextDouble();
        lungs = new Blob[] {
            Blob.random(r, 78 * scale, -5, 150, 62 * scale, 78 * scale, 95, 6, 0.08, 0.08),
            Blob.random(r, -78 * scale, -5, 155, 60 * scale, 78 * scale, 95, 6, 0.08, 0.08)
        };
        spineX = (r.nextDouble() - 0.5) * 6;
        spineY = -bodyB * 0.68 + bodyCy;
        spineA = 21 + 3 * r.nextDouble();
        spineB = 19 + 3 * r.nextDouble();
        ribPhase = r.nextDouble() * 28;
        aortaX = -18 + (r.nextDouble() - 0.5) * 8;
        aortaY = spineY + spineB + 16 + r.nextDouble() * 4;
        aortaR = 10 + 3 * r.nextDouble();
        aortaBend = (r.nextDouble() - 0.5) * 0.08;
        organs.put(Organ.LIVER, Blob.random(r, 62 * scale, 12, 45, 78 * scale, 72 * scale, 68, 10, 0.12, 0.16));
        organs.put(Organ.SPLEEN, Blob.random(r, -88 * scale, -28, 55, 30 * scale, 50 * scale, 55, 8, 0.15, 0.15));
        organs.put(Organ.KIDNEY_LEFT, Blob.random(r, -62 * scale, spineY + 22, -12, 24, 27, 52, 6, 0.12, 0.1));
        organs.put(Organ.KIDNEY_RIGHT, Blob.random(r, 62 * scale, spineY + 22, -28, 24, 27, 50, 6, 0.12, 0.1));
        perirenalFat = new Blob[] {organs.get(Organ.KIDNEY_LEFT).grown(9), organs.get(Organ.KIDNEY_RIGHT).grown(9)};
        List<Blob> g = new ArrayList<>();
        int pockets = 3 + r.nextInt(5);
        for (int i = 0; i < pockets; i++) {
            g.add(Blob.random(r, (r.nextDouble() - 0.5) * 120, 30 + r.nextDouble() * 50, -120 + r.nextDouble() * 120, 12, 9, 15, 0, 0.4, 0.2));
        }
        gas = g.toArray(Blob[]::new);
        for (Organ o : Organ.values()) {
            enhancementJitter.put(o, (r.nextDouble() - 0.5) * 16);
        }
        texture = new double[3][7];
        for (double[] t : texture) {
            for (int k = 0; k < 3; k++) {
                t[k] = 2 * Math.PI / (35 + 70 * r.nextDouble());
                t[3 + k] = r.nextDouble() * 2 * Math.PI;
            }
            t[6] = 3 + 4 * r.nextDouble();
        }
    }

    /** Aorta centre line: slightly bent in x with z. */
    double aortaXAt(double z) {
        return aortaX + aortaBend * z;
    }
}
