package org.promptseg.volume.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.Shape;
import org.promptseg.volume.Volume;
import org.promptseg.volume.dataset.DatasetFormatException;

class FingerprintPartialJsonTest {
    static FingerprintPartial partial(String key, int offset) {
        Shape s = new Shape(3, 4, 5);
        short[] hu = new short[s.voxelCount()];
        byte[] lab = new byte[s.voxelCount()];
        for (int i = 0; i < hu.length; i++) {
            hu[i] = (short) (i * 37 % 900 - 400 + offset);
            lab[i] = (byte) (i % 3 == 0 ? 1 : 0);
        }
        hu[0] = 9000; // outside the histogram range, counted in 'above'
        lab[0] = 1;
        Geometry g = Geometry.axisAligned(0.7, 0.7, 2.0, 0, 0, 0);
        return FingerprintPartial.ofCase(key, Volume.ofShorts(s, g, hu), Volume.ofLabels(s, g, lab));
    }

    @Test
    @DisplayName("a partial survives JSON bit for bit: merging and finishing give the same fingerprint")
    void roundTrip() {
        FingerprintPartial a = partial("c/1", 0).merge(partial("c/2", 50));
        FingerprintPartial back = FingerprintPartial.fromJson(a.toJson(), "test");
        assertThat(back.toJson()).isEqualTo(a.toJson());
        assertThat(back.merge(partial("d/1", 7)).finish(0.5, 99.5).toJson()).isEqualTo(a.merge(partial("d/1", 7)).finish(0.5, 99.5).toJson());
    }

    @Test
    @DisplayName("a histogram bin outside the range is rejected naming the field")
    void badBin() {
        String json = partial("c/1", 0).toJson().replace("\"histogram\" : {", "\"histogram\" : { \"99999\" : 1,");
        assertThatThrownBy(() -> FingerprintPartial.fromJson(json, "x.json")).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("x.json").hasMessageContaining("99999");
    }
}
