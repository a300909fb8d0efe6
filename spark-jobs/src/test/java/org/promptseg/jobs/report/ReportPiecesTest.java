package org.promptseg.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReportPiecesTest {
    @Test
    @DisplayName("HTML escapes every text it is given")
    void escapes() {
        String html = new HtmlPage("a <b> & 'c'").table(List.of("x<y"), List.of(List.of("<script>", "0.93"))).render();
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;").contains("a &lt;b&gt; &amp; &#39;c&#39;")
                .contains("<td class=\"num\">0.93</td>");
    }

    @Test
    @DisplayName("charts render as PNG images")
    void charts() throws IOException {
        BufferedImage line = ImageIO.read(new ByteArrayInputStream(Charts.linePng("loss", "round", "loss",
                Map.of("c", new double[][] {{1, 2, 3}, {0.9, 0.5, Double.NaN}}))));
        assertThat(line.getWidth()).isEqualTo(720);
        BufferedImage bars = ImageIO.read(new ByteArrayInputStream(Charts.barPng("Dice", "Dice", List.of("a", "b"),
                Map.of("before", List.of(0.5, 0.6), "after", List.of(0.8, Double.NaN)))));
        assertThat(bars.getHeight()).isEqualTo(420);
    }

    @Test
    @DisplayName("overlays draw ground truth in green and prediction in red on the windowed slice")
    void overlay() throws IOException {
        int[] dims = {1, 8, 8};
        float[] image = new float[64];
        byte[] gt = new byte[64];
        byte[] pred = new byte[64];
        for (int y = 2; y < 6; y++) {
            for (int x = 2; x < 6; x++) {
                gt[y * 8 + x] = 1;
            }
        }
        pred[7 * 8 + 7] = 2;
        image[0] = 1000;
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Overlays.axialPng(image, dims, 0, -1000, 1000, gt, pred, 2, null)));
        assertThat(img.getWidth()).isEqualTo(16);
        assertThat(img.getRGB(4, 4) & 0xffffff).isEqualTo(0x28dc46);   // gt boundary voxel (2,2)
        assertThat(img.getRGB(14, 14) & 0xffffff).isEqualTo(0xf03232); // predicted voxel (7,7)
        assertThat(img.getRGB(0, 0) & 0xffffff).isEqualTo(0xffffff);   // HU 1000 at the top of the window
        assertThat(img.getRGB(6, 6) & 0xffffff).isEqualTo(0x808080);   // HU 0 mid-grey, inside the contour
        assertThat(Overlays.busiestSlice(gt, dims)).isZero();
    }
}
