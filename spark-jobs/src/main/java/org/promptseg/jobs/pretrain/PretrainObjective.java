package org.promptseg.jobs.pretrain;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.promptseg.jobs.config.ConfigurationException;
import org.promptseg.model.cpa.CpaSettings;
import org.promptseg.volume.preprocess.PatchView;

/**
 * What pretraining optimises ({@code promptseg.pretrain.objective}, {@code labelled-fraction} and {@code cpa.*}):
 * {@code seg}, the segmentation loss alone (the baseline), or {@code cpa+seg}, PUNet's contrastive prototype
 * assignment against an EMA teacher on every case plus the segmentation loss on the labelled ones.
 *
 * @param cpa            the CPA maths; null for {@code seg}
 * @param momentum       EMA momentum of the teacher (after each server step: teacher ← m·teacher + (1−m)·student)
 * @param teacherView    augmentation of the teacher's view (milder)
 * @param studentView    augmentation of the student's view (stronger; its labels follow its geometry)
 */
public record PretrainObjective(Kind kind, double labelledFraction, CpaSettings cpa, double momentum, PatchView.Augmentation teacherView,
                                PatchView.Augmentation studentView) implements Serializable {
    private static final String KEY = "promptseg.pretrain.";

    /** The two objectives, by their configuration / CLI names. */
    public enum Kind {
        SEG("seg"), CPA_SEG("cpa+seg");

        private final String configName;

        Kind(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        public static Kind parse(String s, String field) {
            for (Kind k : values()) {
                if (k.configName.equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new ConfigurationException(field + ": expected seg or cpa+seg, got '" + s + "'");
        }
    }

    public boolean usesCpa() {
        return kind == Kind.CPA_SEG;
    }

    /**
     * @param patchZyx   the preset's patch size (auto prototype count and the spatial width are relative to it)
     * @param objective  the CLI's {@code --objective}, or null for the configured one
     */
    public static PretrainObjective fromConfig(Config root, int[] patchZyx, String objective) {
        Config p = root.getConfig("promptseg.pretrain");
        Kind kind = Kind.parse(objective != null ? objective : p.getString("objective"), objective != null ? "--objective" : KEY + "objective");
        double fraction = p.getDouble("labelled-fraction");
        if (!(fraction > 0 && fraction <= 1)) {
            throw new ConfigurationException(KEY + "labelled-fraction: expected a share in (0, 1], got " + fraction);
        }
        Config c = p.getConfig("cpa");
        double momentum = c.getDouble("momentum");
        if (!(momentum >= 0 && momentum < 1)) {
            throw new ConfigurationException(KEY + "cpa.momentum: expected a value in [0, 1), got " + momentum);
        }
        int stride = c.getInt("feature-stride");
        String protos = c.getString("prototypes").trim();
        int k;
        if (protos.equals("auto")) {
            k = CpaSettings.autoPrototypes(patchZyx, Math.max(1, stride));
        } else {
            try {
                k = Integer.parseInt(protos);
            } catch (NumberFormatException e) {
                throw new ConfigurationException(KEY + "cpa.prototypes: expected a number >= 2 or auto, got '" + protos + "'");
            }
        }
        double fwhm = c.getDouble("spatial-fwhm");
        if (!(fwhm > 0)) {
            throw new ConfigurationException(KEY + "cpa.spatial-fwhm: expected a fraction of the patch edge > 0, got " + fwhm);
        }
        int edge = Math.max(patchZyx[0], Math.max(patchZyx[1], patchZyx[2]));
        CpaSettings cpa;
        try {
            cpa = new CpaSettings(k, c.getDouble("temperatures.student"), c.getDouble("temperatures.teacher"), c.getInt("kmeans-iterations"),
                    fwhm * edge, stride, c.getDouble("match-distance"), c.getDouble("weight"));
        } catch (org.promptseg.model.ModelConfigException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
        if (cpa.teacherTemperature() > cpa.studentTemperature()) {
            throw new ConfigurationException(KEY + "cpa.temperatures.teacher: the teacher's temperature must not exceed the student's ("
                    + cpa.studentTemperature() + "): its targets are the sharper ones, got " + cpa.teacherTemperature());
        }
        return new PretrainObjective(kind, fraction, kind == Kind.CPA_SEG ? cpa : null, momentum, view(c, "teacher-view"), view(c, "student-view"));
    }

    private static PatchView.Augmentation view(Config cpa, String name) {
        String key = KEY + "cpa." + name;
        try {
            Config v = cpa.getConfig(name);
            List<Double> crop = v.getDoubleList("crop");
            if (crop.size() != 2) {
                throw new ConfigurationException(key + ".crop: expected [min, max] edge fractions, got " + crop);
            }
            return new PatchView.Augmentation(crop.get(0), crop.get(1), v.getDouble("flip"), v.getDouble("intensity"), v.getDouble("noise"),
                    v.getInt("holes"), v.getDouble("hole-size"));
        } catch (IllegalArgumentException | ConfigException e) {
            throw new ConfigurationException(key + ": " + e.getMessage(), e);
        }
    }
}
