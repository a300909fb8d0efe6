package org.promptseg.volume.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.Shape;
import org.promptseg.volume.Volume;

@DisplayName("patch sampler")
class PatchSamplerTest {
    static final Shape SHAPE = new Shape(30, 40, 50);
    static final Geometry G = Geometry.axisAligned(1, 1, 2, 0, 0, 0);

    static Volume image() {
        short[] hu = new short[SHAPE.voxelCount()];
        for (int i = 0; i < hu.length; i++) {
            hu[i] = (short) (i % 3000 - 1000);
        }
        return Volume.ofShorts(SHAPE, G, hu);
    }

    /** Two small organs in a large background: class 1 at a corner, class 4 near the centre. */
    static Volume label() {
        byte[] lab = new byte[SHAPE.voxelCount()];
        for (int z = 0; z < 3; z++) {
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 3; x++) {
                    lab[SHAPE.index(z, y, x)] = 1;
                    lab[SHAPE.index(15 + z, 20 + y, 25 + x)] = 4;
                }
            }
        }
        return Volume.ofLabels(SHAPE, G, lab);
    }

    final PatchSampler sampler = new PatchSampler(SamplerOptions.defaults().withPatchSize(8, 12, 16).withSeed(5));

    @Test
    @DisplayName("the same seed gives bit-identical patches; another seed or case gives others")
    void deterministic() {
        List<Patch> a = sampler.sample("c0", "case_1", image(), label(), 30);
        List<Patch> b = sampler.sample("c0", "case_1", image(), label(), 30);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).originZyx()).containsExactly(a.get(i).originZyx());
            assertThat(b.get(i).image()).containsExactly(a.get(i).image());
            assertThat(b.get(i).label()).containsExactly(a.get(i).label());
        }
        List<Patch> c = new PatchSampler(sampler.options().withSeed(6)).sample("c0", "case_1", image(), label(), 30);
        List<Patch> d = sampler.sample("c0", "case_2", image(), label(), 30);
        assertThat(c.stream().map(p -> List.of(p.originZyx()[0], p.originZyx()[1], p.originZyx()[2])).toList())
                .isNotEqualTo(a.stream().map(p -> List.of(p.originZyx()[0], p.originZyx()[1], p.originZyx()[2])).toList());
        assertThat(d.get(0).originZyx()).isNotEqualTo(a.get(0).originZyx());
    }

    @Test
    @DisplayName("33% of patches are centred on a foreground voxel, spread over the sequence; the rest lie inside the volume")
    void foregroundOversampling() {
        List<Patch> patches = sampler.sample("c0", "case_1", image(), label(), 30);
        int centred = 0;
        for (Patch p : patches) {
            int[] o = p.originZyx();
            int[] size = p.shapeZyx();
            int centre = p.label()[((size[0] / 2) * size[1] + size[1] / 2) * size[2] + size[2] / 2];
            boolean inside = o[0] >= 0 && o[1] >= 0 && o[2] >= 0 && o[0] + 8 <= 30 && o[1] + 12 <= 40 && o[2] + 16 <= 50;
            if (centre != 0) {
                centred++;
                assertThat(p.foreground()).isTrue();
            } else {
                assertThat(inside).as("a uniform patch lies inside the volume").isTrue();
            }
        }
        // round(30 * 0.33) = 10 forced; a uniform patch may also happen to be centred on foreground
        assertThat(centred).isBetween(10, 12);
        // both small organs are chosen (class first, then voxel)
        assertThat(patches.stream().filter(p -> p.originZyx()[0] < 0).count()).isPositive();
        assertThat(patches.stream().filter(p -> p.originZyx()[0] > 5).filter(Patch::foreground).count()).isPositive();
    }

    @Test
    @DisplayName("patch voxels equal the volume at origin + offset, and voxels past a border are padding")
    void contentAndPadding() {
        Volume img = image();
        Volume lab = label();
        for (Patch p : sampler.sample("c0", "case_1", img, lab, 20)) {
            int[] o = p.originZyx();
            int[] n = p.shapeZyx();
            for (int z = 0; z < n[0]; z++) {
                for (int y = 0; y < n[1]; y++) {
                    for (int x = 0; x < n[2]; x++) {
                        int i = (z * n[1] + y) * n[2] + x;
                        boolean in = SHAPE.contains(o[0] + z, o[1] + y, o[2] + x);
                        assertThat((float) p.image()[i]).isEqualTo(in ? img.value(o[0] + z, o[1] + y, o[2] + x) : -1024f);
                        assertThat((float) p.label()[i]).isEqualTo(in ? lab.value(o[0] + z, o[1] + y, o[2] + x) : 0f);
                    }
                }
            }
            assertThat(p.spacingZyx()).containsExactly(2, 1, 1);
            assertThat(Patch.imageFromBytesLE(p.imageBytesLE())).containsExactly(p.image());
        }
    }

    @Test
    @DisplayName("a volume smaller than the patch is placed inside it, padded; a case without label gets uniform patches")
    void smallVolumeAndNoLabel() {
        Shape s = new Shape(4, 5, 6);
        Volume small = Volume.ofShorts(s, G, new short[s.voxelCount()]);
        List<Patch> p = sampler.sample("c1", "tiny", small, null, 6);
        assertThat(p).hasSize(6).allSatisfy(patch -> {
            assertThat(patch.label()).isNull();
            assertThat(patch.foreground()).isFalse();
            int[] o = patch.originZyx();
            assertThat(o[0]).isBetween(-4, 0);
            assertThat(o[1]).isBetween(-7, 0);
            assertThat(o[2]).isBetween(-10, 0);
            int zeros = 0;
            for (short v : patch.image()) {
                zeros += v == 0 ? 1 : 0;
            }
            assertThat(zeros).isEqualTo(s.voxelCount());
        });
    }
}
