package org.promptseg.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Hashing;
import org.promptseg.common.Ids;
import org.promptseg.store.internal.ManifestIo;
import org.promptseg.store.internal.NumberedPublisher;
import org.promptseg.store.internal.StoreFs;
import org.promptseg.store.internal.StoreLayout;
import org.promptseg.store.internal.StoreNames;
import org.promptseg.store.tensor.Safetensors;
import org.promptseg.store.tensor.SafetensorsContent;
import org.promptseg.store.tensor.SafetensorsFormatException;
import org.promptseg.store.tensor.TensorSet;

/** Publishing, listing and loading the prompt versions of centers ({@code prompts/<center>/versions/<NNNN>/}). */
final class PromptVersions {
    /** Prompt files are small (kilobytes to a few megabytes); anything beyond this is not a prompt file. */
    static final long MAX_PROMPT_FILE_BYTES = 1L << 30;

    private final StoreContext ctx;
    private final StoreFs fs;
    private final StoreLayout layout;
    private final Backbones backbones;

    PromptVersions(StoreContext ctx, Backbones backbones) {
        this.ctx = ctx;
        this.fs = ctx.fs();
        this.layout = ctx.layout();
        this.backbones = backbones;
    }

    PromptManifest publish(PromptPublication p) throws IOException {
        String center = StoreNames.center(p.center());
        String backbone = StoreNames.backboneId(p.backboneSha256());
        p.promptKinds().forEach(k -> requireId("prompt kind", k));
        String parent = null;
        if (p.parentVersion() != null) {
            parent = manifest(center, StoreNames.versionNumber("parent version", p.parentVersion())).version();
        }
        backbones.requireExists(backbone, "prompts of center '" + center + "'");
        ctx.ensureInitialized();

        SortedMap<String, String> metadata = new TreeMap<>();
        metadata.put("promptseg.center", center);
        metadata.put("promptseg.backbone_sha256", backbone);
        metadata.put("promptseg.prompt_kinds", String.join(",", p.promptKinds()));
        byte[] file = Safetensors.toBytes(p.tensors(), metadata);
        String sha = Hashing.sha256Hex(file);
        String createdAt = ctx.now();
        String tool = p.toolVersion() != null ? p.toolVersion() : ToolVersion.current();
        String parentVersion = parent;
        java.util.function.IntFunction<PromptManifest> manifestFor = v -> new PromptManifest(PromptManifest.FORMAT_VERSION, center,
                StoreLayout.versionName(v), parentVersion, backbone, p.promptKinds(), p.tensors().specs(), sha, file.length,
                p.configHash(), p.provenance(), new TreeMap<>(p.metrics()), createdAt, tool);

        int version = NumberedPublisher.publish(fs, layout.versions(center), staging -> {
            Path target = staging.file(StoreLayout.PROMPTS_FILE);
            fs.write(target, file);
            Checks.requireWritten(fs, target, file.length, sha);
        }, StoreLayout.MANIFEST, v -> ManifestIo.toBytes(manifestFor.apply(v)));
        return manifestFor.apply(version);
    }

    /** The version number {@code ref} names: a number, "latest", or an alias. */
    int resolve(String center, String ref, Aliases aliases) throws IOException {
        StoreNames.center(center);
        if (StoreNames.isVersionNumber(ref)) {
            return StoreNames.versionNumber("version", ref);
        }
        if (StoreNames.LATEST.equals(ref)) {
            int highest = NumberedPublisher.highest(fs, layout.versions(center));
            if (highest == 0) {
                throw new StoreEntryNotFoundException("center '" + center + "' has no prompt versions in " + ctx.root());
            }
            return highest;
        }
        String target = aliases.prompt(center, StoreNames.alias(ref)).currentTarget().orElseThrow(() ->
                new StoreEntryNotFoundException("center '" + center + "' has no alias '" + ref + "'"));
        return StoreNames.versionNumber("alias target", target);
    }

    PromptManifest manifest(String center, int version) throws IOException {
        Path dir = layout.version(center, version);
        if (!fs.exists(dir)) {
            throw new StoreEntryNotFoundException("center '" + center + "' has no prompt version " + StoreLayout.versionName(version)
                    + " in " + ctx.root() + "; it has " + describeVersions(center));
        }
        return checkedManifest(center, version, new Path(dir, StoreLayout.MANIFEST));
    }

    PromptManifest checkedManifest(String center, int version, Path file) throws IOException {
        PromptManifest m = ManifestIo.read(fs, file, PromptManifest.class, PromptManifest.FORMAT_VERSION);
        if (!center.equals(m.center()) || !StoreLayout.versionName(version).equals(m.version())) {
            throw new CorruptStoreEntryException(file + ": manifest says center '" + m.center() + "' version " + m.version()
                    + ", but it is stored as center '" + center + "' version " + StoreLayout.versionName(version));
        }
        return m;
    }

    LoadedPrompts load(String center, int version, String expectedBackbone) throws IOException {
        PromptManifest m = manifest(center, version);
        if (expectedBackbone != null && !m.backboneSha256().equals(expectedBackbone)) {
            throw new BackboneMismatchException("prompt version " + m.version() + " of center '" + center + "'", m.backboneSha256(),
                    expectedBackbone);
        }
        return new LoadedPrompts(m, readTensors(m));
    }

    /** Reads the tensor file of a version and checks it against its manifest: size, SHA-256, format, shapes. */
    TensorSet readTensors(PromptManifest m) throws IOException {
        Path file = new Path(layout.version(m.center(), m.versionNumber()), StoreLayout.PROMPTS_FILE);
        byte[] bytes;
        try {
            bytes = fs.read(file, MAX_PROMPT_FILE_BYTES);
        } catch (FileNotFoundException e) {
            throw new CorruptStoreEntryException(file + ": missing, although the manifest lists it");
        }
        Checks.requireContent(file, bytes, m.tensorsBytes(), m.tensorsSha256());
        SafetensorsContent content;
        try {
            content = Safetensors.read(bytes, file.toString());
        } catch (SafetensorsFormatException e) {
            throw new CorruptStoreEntryException(e.getMessage(), e);
        }
        if (!content.tensors().specs().equals(m.tensors())) {
            throw new CorruptStoreEntryException(file + ": tensors " + content.tensors().specs() + " differ from the manifest's "
                    + m.tensors());
        }
        return content.tensors();
    }

    /** Version numbers of a center, ascending. */
    List<Integer> versionNumbers(String center) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (FileStatus st : fs.list(layout.versions(center))) {
            String name = st.getPath().getName();
            if (st.isDirectory() && StoreLayout.VERSION_DIR.matcher(name).matches()) {
                out.add(Integer.parseInt(name));
            }
        }
        out.sort(null);
        return out;
    }

    List<PromptManifest> versions(String center) throws IOException {
        StoreNames.center(center);
        List<PromptManifest> out = new ArrayList<>();
        for (int v : versionNumbers(center)) {
            out.add(manifest(center, v));
        }
        return out;
    }

    /** Centers with a prompts directory, sorted. */
    List<String> centers() throws IOException {
        List<String> out = new ArrayList<>();
        for (FileStatus st : fs.list(layout.prompts())) {
            if (st.isDirectory() && Ids.isValid(st.getPath().getName())) {
                out.add(st.getPath().getName());
            }
        }
        out.sort(null);
        return out;
    }

    private String describeVersions(String center) throws IOException {
        List<Integer> vs = versionNumbers(center);
        if (vs.isEmpty()) {
            return "no versions";
        }
        return vs.size() + " version(s), " + StoreLayout.versionName(vs.get(0)) + " to " + StoreLayout.versionName(vs.get(vs.size() - 1));
    }

    private static void requireId(String what, String value) {
        try {
            Ids.require(what, value);
        } catch (IllegalArgumentException e) {
            throw new InvalidStoreArgumentException(e.getMessage(), e);
        }
    }
}
