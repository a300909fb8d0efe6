package org.promptseg.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Ids;
import org.promptseg.store.internal.ManifestIo;
import org.promptseg.store.internal.NumberedPublisher;
import org.promptseg.store.internal.StoreFs;
import org.promptseg.store.internal.StoreLayout;
import org.promptseg.store.internal.StoreNames;

/**
 * Full and head fine-tuned baselines ({@code models/<center>/<NNNN>/model.zip + manifest.json}), kept so
 * that evaluation can compare prompts against them; published with the same guarantees as prompts.
 */
final class Models {
    private final StoreContext ctx;
    private final StoreFs fs;
    private final StoreLayout layout;
    private final Backbones backbones;

    Models(StoreContext ctx, Backbones backbones) {
        this.ctx = ctx;
        this.fs = ctx.fs();
        this.layout = ctx.layout();
        this.backbones = backbones;
    }

    ModelManifest publish(ModelPublication p, InputStream modelZip) throws IOException {
        String center = StoreNames.center(p.center());
        String mode = p.mode();
        if (!"full".equals(mode) && !"head".equals(mode)) {
            throw new InvalidStoreArgumentException("model mode '" + (mode == null ? "" : Ids.printable(mode))
                    + "' for center '" + center + "': expected 'full' or 'head'");
        }
        String base = StoreNames.backboneId(p.baseBackboneSha256());
        backbones.requireExists(base, "a model fine-tuned from it");
        ctx.ensureInitialized();
        String createdAt = ctx.now();
        String tool = p.toolVersion() != null ? p.toolVersion() : ToolVersion.current();
        StoreFs.Written[] zip = new StoreFs.Written[1];
        int version = NumberedPublisher.publish(fs, layout.models(center), staging -> {
            Path file = staging.file(StoreLayout.MODEL_ZIP);
            zip[0] = fs.write(file, modelZip::transferTo);
            Checks.requireWritten(fs, file, zip[0].bytes(), zip[0].sha256());
        }, StoreLayout.MANIFEST, v -> ManifestIo.toBytes(manifest(p, center, v, base, zip[0], createdAt, tool)));
        return manifest(p, center, version, base, zip[0], createdAt, tool);
    }

    private static ModelManifest manifest(ModelPublication p, String center, int v, String base, StoreFs.Written zip, String createdAt,
            String tool) {
        return new ModelManifest(ModelManifest.FORMAT_VERSION, center, StoreLayout.versionName(v), p.mode(), base, zip.sha256(), zip.bytes(),
                p.configHash(), p.provenance(), new TreeMap<>(p.metrics()), createdAt, tool);
    }

    ModelManifest manifest(String center, int version) throws IOException {
        StoreNames.center(center);
        Path dir = layout.model(center, version);
        if (!fs.exists(dir)) {
            throw new StoreEntryNotFoundException("center '" + center + "' has no fine-tuned model version " + StoreLayout.versionName(version)
                    + " in " + ctx.root());
        }
        Path file = new Path(dir, StoreLayout.MANIFEST);
        ModelManifest m = ManifestIo.read(fs, file, ModelManifest.class, ModelManifest.FORMAT_VERSION);
        if (!center.equals(m.center()) || !StoreLayout.versionName(version).equals(m.version())) {
            throw new CorruptStoreEntryException(file + ": manifest says center '" + m.center() + "' version " + m.version()
                    + ", but it is stored as center '" + center + "' version " + StoreLayout.versionName(version));
        }
        return m;
    }

    List<Integer> versionNumbers(String center) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (FileStatus st : fs.list(layout.models(center))) {
            String name = st.getPath().getName();
            if (st.isDirectory() && StoreLayout.VERSION_DIR.matcher(name).matches()) {
                out.add(Integer.parseInt(name));
            }
        }
        out.sort(null);
        return out;
    }

    List<ModelManifest> list(String center) throws IOException {
        List<ModelManifest> out = new ArrayList<>();
        for (int v : versionNumbers(StoreNames.center(center))) {
            out.add(manifest(center, v));
        }
        return out;
    }

    List<String> centers() throws IOException {
        List<String> out = new ArrayList<>();
        for (FileStatus st : fs.list(layout.models())) {
            if (st.isDirectory() && Ids.isValid(st.getPath().getName())) {
                out.add(st.getPath().getName());
            }
        }
        out.sort(null);
        return out;
    }

    /** The model zip, verified against the manifest before it is returned. */
    byte[] readZip(String center, int version) throws IOException {
        ModelManifest m = manifest(center, version);
        Path zip = new Path(layout.model(center, version), StoreLayout.MODEL_ZIP);
        byte[] bytes;
        try {
            bytes = fs.read(zip, Backbones.MAX_ZIP_BYTES);
        } catch (FileNotFoundException e) {
            throw new CorruptStoreEntryException(zip + ": missing, although the manifest lists it");
        }
        Checks.requireContent(zip, bytes, m.modelBytes(), m.modelSha256());
        return bytes;
    }
}
