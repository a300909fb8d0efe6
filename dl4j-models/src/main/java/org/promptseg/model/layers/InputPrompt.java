package org.promptseg.model.layers;

import java.util.Map;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.promptseg.model.ParamRole;

/**
 * Learnable input-space prompt: a low-resolution volume (grid³) upsampled trilinearly to the patch and
 * added to the normalised image. It starts at zero (no change); a center learns the intensity correction
 * its scanner needs while the backbone stays untouched.
 *
 * <p>The upsampling is separable: three small constant interpolation matrices applied along z, y and x,
 * so its cost does not depend on the batch size.
 */
public class InputPrompt extends VolumeLayer {
    public static final String GRID = "grid";

    @JsonProperty private int grid = 8;

    /** For JSON. */
    public InputPrompt() {
    }

    public InputPrompt(String name, int grid) {
        this.layerName = name;
        this.grid = grid;
    }

    @Override
    public ParamRole roleOf(String paramKey) {
        return ParamRole.PROMPT;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam(GRID, grid, (long) grid * grid);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get(GRID).assign(0);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
        DataType type = x.dataType();
        long g = grid;
        SDVariable mz = sd.constant(layerName + "_interpZ", interpolation(depth, grid, type));
        SDVariable my = sd.constant(layerName + "_interpY", interpolation(height, grid, type));
        SDVariable mx = sd.constant(layerName + "_interpX", interpolation(width, grid, type));
        // grid [gz, gy*gx] -> [D, gy*gx] -> [gy, gx, D] -> [H, gx*D] -> [gx, D, H] -> [W, D*H] -> [D, H, W]
        SDVariable t = sd.mmul(mz, p.get(GRID));
        t = sd.reshape(sd.permute(sd.reshape(t, depth, g, g), 1, 2, 0), g, g * depth);
        t = sd.mmul(my, t);
        t = sd.reshape(sd.permute(sd.reshape(t, height, g, depth), 1, 2, 0), g, depth * height);
        t = sd.mmul(mx, t);
        t = sd.permute(sd.reshape(t, width, depth, height), 1, 2, 0);
        return x.add(sd.reshape(t, 1, depth, height, width, 1));
    }

    /** Linear interpolation weights [out, in] with half-voxel alignment, edges clamped. */
    static INDArray interpolation(long out, int in, DataType type) {
        double[][] m = new double[(int) out][in];
        for (int i = 0; i < out; i++) {
            double src = Math.max(0, Math.min(in - 1, (i + 0.5) * in / out - 0.5));
            int lo = (int) Math.floor(src);
            int hi = Math.min(lo + 1, in - 1);
            double w = src - lo;
            m[i][lo] += 1 - w;
            m[i][hi] += w;
        }
        return Nd4j.create(m).castTo(type);
    }
}
