package org.promptseg.volume.synth;

import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.promptseg.volume.nifti.NiftiDatatype;
import org.promptseg.volume.nifti.NiftiEncoding;

/**
 * How one synthetic center's scanner and protocol turn anatomy into an image — the center shift. Besides a global
 * intensity scale/offset (which normalisation would remove) it varies what normalisation cannot: noise level, blur
 * (PSF and slice thickness), contrast phase (relative HU between organs), beam-hardening cupping, metal streaks,
 * reconstruction field of view; and, to exercise the reader, voxel spacing, orientation, storage type and byte order,
 * label values and partial labelling.
 *
 * @param inPlaneSpacingMm voxel size in x and y at size 96 (scaled by 96/size)
 * @param sliceSpacingMm slice spacing at size 96 (scaled by 96/size)
 * @param sliceThicknessMm FWHM of the slice profile (z blur)
 * @param inPlaneBlurMm sigma of the in-plane PSF (reconstruction kernel: small = sharp)
 * @param orientation orientation code of the voxel axes (how the scanner stores the volume)
 * @param cuppingHu beam hardening: HU missing at the body centre, falling to 0 at the skin
 * @param fovRadiusMm reconstruction circle; outside it voxels hold {@code padHu}
 * @param labelOrder organs in the order of this center's label values 1, 2, ... (label maps differ between centers)
 * @param unlabelled organs this center does not annotate (their voxels are 0 in its labels: partial labels)
 * @param strength how far this center's imaging departs from the reference (center c0): 0..1, see
 *     {@link SynthOptions#shiftStrength()}
 */
public record ScannerSignature(String id, ContrastPhase phase, double noiseHu, double inPlaneBlurMm, double sliceThicknessMm,
                               double inPlaneSpacingMm, double sliceSpacingMm, String orientation, Storage storage,
                               double calibrationScale, double calibrationOffsetHu, boolean metalStreaks, double cuppingHu,
                               double fovRadiusMm, short padHu, List<Organ> labelOrder, Set<Organ> unlabelled, double strength) {

    /** How the center stores its images. */
    public enum Storage {
        INT16("int16"),
        UINT16_INTERCEPT("uint16 with scl_inter -1024"),
        INT16_BIG_ENDIAN("int16 big endian"),
        INT16_QFORM_ONLY("int16, qform only");

        private final String label;

        Storage(String label) {
            this.label = label;
        }

        public NiftiEncoding encoding() {
            return switch (this) {
                case INT16 -> NiftiEncoding.of(NiftiDatatype.INT16);
                case UINT16_INTERCEPT -> NiftiEncoding.of(NiftiDatatype.UINT16).withScaling(1, -1024);
                case INT16_BIG_ENDIAN -> NiftiEncoding.of(NiftiDatatype.INT16).withByteOrder(ByteOrder.BIG_ENDIAN);
                case INT16_QFORM_ONLY -> NiftiEncoding.of(NiftiDatatype.INT16).withCodes(NiftiEncoding.XFORM_SCANNER_ANAT, 0);
            };
        }

        /** The label maps are stored as uint8 with the same byte order and codes. */
        public NiftiEncoding labelEncoding() {
            NiftiEncoding e = encoding();
            return NiftiEncoding.of(NiftiDatatype.UINT8).withByteOrder(e.byteOrder()).withCodes(e.qformCode(), e.sformCode());
        }

        /** Smallest HU the storage holds (uint16 with intercept -1024 clips at -1024, as such scanners do). */
        public double minHu() {
            return this == UINT16_INTERCEPT ? -1024 : Short.MIN_VALUE;
        }
    }

    private static final List<Organ> ORDER_A = List.of(Organ.LIVER, Organ.SPLEEN, Organ.KIDNEY_LEFT, Organ.KIDNEY_RIGHT, Organ.AORTA);
    private static final List<Organ> ORDER_B = List.of(Organ.SPLEEN, Organ.LIVER, Organ.KIDNEY_RIGHT, Organ.KIDNEY_LEFT, Organ.AORTA);
    private static final List<Organ> ORDER_C = List.of(Organ.AORTA, Organ.KIDNEY_LEFT, Organ.KIDNEY_RIGHT, Organ.LIVER, Organ.SPLEEN);

    /** The four reference signatures; centers beyond the fourth vary them with the seed. */
    private static final ScannerSignature[] BASE = {
        new ScannerSignature("", ContrastPhase.PORTAL_VENOUS, 12, 0.8, 3.75, 4.0, 3.75, "RAS", Storage.INT16,
                1.0, 0, false, 0, 260, (short) -1024, ORDER_A, EnumSet.noneOf(Organ.class), 1.0),
        new ScannerSignature("", ContrastPhase.ARTERIAL, 28, 1.6, 5.0, 3.7, 5.0, "LPS", Storage.UINT16_INTERCEPT,
                0.98, -12, true, 45, 240, (short) -1024, ORDER_B, EnumSet.noneOf(Organ.class), 1.0),
        new ScannerSignature("", ContrastPhase.NATIVE, 7, 2.6, 3.0, 4.2, 3.0, "LAS", Storage.INT16_BIG_ENDIAN,
                1.04, 18, false, 20, 250, (short) -1024, ORDER_C, EnumSet.noneOf(Organ.class), 1.0),
        new ScannerSignature("", ContrastPhase.DELAYED, 38, 0.5, 2.5, 3.9, 2.5, "RAI", Storage.INT16_QFORM_ONLY,
                1.0, 6, true, 0, 178, (short) -2000, ORDER_A, EnumSet.of(Organ.AORTA), 1.0),
    };

    /** The signature of center {@code index} (0-based) of a collection generated with {@code seed}, at full strength. */
    public static ScannerSignature forCenter(int index, long seed) {
        return forCenter(index, seed, 1.0);
    }

    /**
     * The signature of center {@code index} with its imaging moved {@code strength} of the way from the reference
     * (center c0's) to its own: contrast, noise, blur, calibration and cupping interpolate; streaks need strength >= 0.5.
     * Geometry, storage, field of view and labelling do not change with the strength.
     */
    public static ScannerSignature forCenter(int index, long seed, double strength) {
        ScannerSignature full = fullForCenter(index, seed);
        ScannerSignature ref = BASE[0];
        double s = strength;
        return new ScannerSignature(full.id, full.phase, lerp(ref.noiseHu, full.noiseHu, s), lerp(ref.inPlaneBlurMm, full.inPlaneBlurMm, s),
                lerp(ref.sliceThicknessMm, full.sliceThicknessMm, s), full.inPlaneSpacingMm, full.sliceSpacingMm, full.orientation, full.storage,
                lerp(ref.calibrationScale, full.calibrationScale, s), lerp(ref.calibrationOffsetHu, full.calibrationOffsetHu, s),
                full.metalStreaks && s >= 0.5, lerp(ref.cuppingHu, full.cuppingHu, s), full.fovRadiusMm, full.padHu, full.labelOrder,
                full.unlabelled, s);
    }

    private static double lerp(double a, double b, double t) {
        return a + t * (b - a);
    }

    private static ScannerSignature fullForCenter(int index, long seed) {
        ScannerSignature b = BASE[index % BASE.length];
        String id = "c" + index;
        if (index < BASE.length) {
            return b.withId(id);
        }
        SplittableRandom r = new SplittableRandom(seed * 31 + index);
        ContrastPhase[] phases = ContrastPhase.values();
        return new ScannerSignature(id, phases[r.nextInt(phases.length)], b.noiseHu * (0.6 + 0.8 * r.nextDouble()),
                b.inPlaneBlurMm * (0.6 + 0.8 * r.nextDouble()), b.sliceThicknessMm, b.inPlaneSpacingMm * (0.93 + 0.14 * r.nextDouble()),
                b.sliceSpacingMm, b.orientation, b.storage, 1 + (r.nextDouble() - 0.5) * 0.08, (r.nextDouble() - 0.5) * 40,
                r.nextBoolean(), r.nextDouble() * 50, b.fovRadiusMm, b.padHu, b.labelOrder, b.unlabelled, 1.0);
    }

    private ScannerSignature withId(String newId) {
        return new ScannerSignature(newId, phase, noiseHu, inPlaneBlurMm, sliceThicknessMm, inPlaneSpacingMm, sliceSpacingMm,
                orientation, storage, calibrationScale, calibrationOffsetHu, metalStreaks, cuppingHu, fovRadiusMm, padHu, labelOrder, unlabelled, strength);
    }

    /** Mean HU of an organ: the reference phase's value moved {@code strength} of the way to this center's phase. */
    public double organHu(Organ o) {
        return lerp(BASE[0].phase.hu(o), phase.hu(o), strength);
    }

    /** Label value of an organ in this center's label maps, or 0 if the center does not annotate it. */
    public int labelValue(Organ o) {
        return unlabelled.contains(o) ? 0 : labelOrder.stream().filter(x -> !unlabelled.contains(x)).toList().indexOf(o) + 1;
    }

    /** One line for centers.json's scanner notes. */
    public String describe() {
        return String.format(Locale.ROOT, "synthetic: %s phase%s, noise %.0f HU, in-plane PSF %.1f mm, slice %.1f mm, calibration x%.2f %+.0f HU%s%s, FOV radius %.0f mm, %s, %s%s",
                phase.label(), strength < 1 ? String.format(Locale.ROOT, " at shift strength %.2f", strength) : "", noiseHu, inPlaneBlurMm, sliceThicknessMm, calibrationScale, calibrationOffsetHu,
                cuppingHu > 0 ? String.format(Locale.ROOT, ", cupping %.0f HU", cuppingHu) : "", metalStreaks ? ", metal streaks" : "",
                fovRadiusMm, orientation, storage.label, unlabelled.isEmpty() ? "" : ", does not label " + unlabelled.stream().map(Organ::className).toList());
    }
}
