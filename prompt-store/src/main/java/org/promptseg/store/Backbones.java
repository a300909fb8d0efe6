package org.promptseg.store;

import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Hashing;
import org.promptseg.store.internal.ManifestIo;
import org.promptseg.store.internal.Staging;
import org.promptseg.store.internal.StoreFs;
import org.promptseg.store.internal.StoreLayout;
import org.promptseg.store.internal.StoreNames;
import org.promptseg.store.tensor.Safetensors;
import org.promptseg.store.tensor.SafetensorsFormatException;
import org.promptseg.store.tensor.TensorSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Backbones ({@code backbones/<id>/}): content-addressed, immutable once stored. */
final class Backbones {
    private static final Logger LOG = LoggerFactory.getLogger(Backbones.class);
    private static final Pattern HEX_PREFIX = Pattern.compile("[0-9a-f]{8,63}");
    /** A model zip is read into memory to be verified before use; the paper preset is ~30 MB. */
    static final long MAX_ZIP_BYTES = Integer.MAX_VALUE - 16;

    private final StoreContext ctx;
    private final StoreFs fs;
    private final StoreLayout layout;

    Backbones(StoreContext ctx) {
        this.ctx = ctx;
        this.fs = ctx.fs();
        this.layout = ctx.layout();
    }

    BackboneManifest put(String backboneId, InputStream modelZip, BackboneDescription d, TensorSet generic) throws IOException {
        String id = StoreNames.backboneId(backboneId);
        if (fs.exists(layout.backbone(id))) {
            return existing(id, generic);
        }
        ctx.ensureInitialized();
        fs.mkdirs(layout.backbones());
        try (Staging staging = Staging.in(fs, layout.backbones())) {
            Path zip = staging.file(StoreLayout.MODEL_ZIP);
            StoreFs.Written zipWritten = fs.write(zip, modelZip::transferTo);
            Checks.requireWritten(fs, zip, zipWritten.bytes(), zipWritten.sha256());
            GenericPromptsInfo genericInfo = null;
            if (generic != null) {
                byte[] bytes = Safetensors.toBytes(generic, Map.of("promptseg.backbone_sha256", id, "promptseg.kind", "generic-prompts"));
                String sha = Hashing.sha256Hex(bytes);
                Path file = staging.file(StoreLayout.GENERIC_PROMPTS);
                fs.write(file, bytes);
                Checks.requireWritten(fs, file, bytes.length, sha);
                genericInfo = new GenericPromptsInfo(sha, bytes.length, generic.specs());
            }
            BackboneManifest m = new BackboneManifest(BackboneManifest.FORMAT_VERSION, id, d.preset(), d.classNames(), d.patchSize(),
                    d.parameterCount(), d.normalisation(), d.provenance(), d.details(), zipWritten.sha256(), zipWritten.bytes(), genericInfo,
                    ctx.now(), ToolVersion.current());
            fs.write(staging.file(StoreLayout.BACKBONE_JSON), ManifestIo.toBytes(m));
            try {
                staging.claimAs(layout.backbone(id));
                return m;
            } catch (FileAlreadyExistsException sameWeightsStoredConcurrently) {
                return existing(id, generic);
            }
        }
    }

    /** A backbone is stored once: the same id means the same configuration and weights. */
    private BackboneManifest existing(String id, TensorSet generic) throws IOException {
        BackboneManifest m = manifest(id);
        if (generic != null && m.genericPrompts() == null) {
            throw new StoreException("backbone " + id + " is already stored without generic prompts, and a stored backbone never "
                    + "changes; generic prompts must be given when the backbone is first stored");
        }
        LOG.info("backbone {} is already in the store; keeping the stored copy", id);
        return m;
    }

    boolean exists(String id) throws IOException {
        return fs.exists(new Path(layout.backbone(id), StoreLayout.BACKBONE_JSON));
    }

    void requireExists(String id, String forWhat) throws IOException {
        if (!exists(id)) {
            throw new StoreEntryNotFoundException("backbone " + id + " is not in " + ctx.root() + "; store it (putBackbone) before " + forWhat);
        }
    }

    BackboneManifest manifest(String backboneId) throws IOException {
        String id = StoreNames.backboneId(backboneId);
        Path file = new Path(layout.backbone(id), StoreLayout.BACKBONE_JSON);
        if (!fs.exists(layout.backbone(id))) {
            throw new StoreEntryNotFoundException("backbone " + id + " is not in " + ctx.root());
        }
        BackboneManifest m = ManifestIo.read(fs, file, BackboneManifest.class, BackboneManifest.FORMAT_VERSION);
        if (!id.equals(m.backboneId())) {
            throw new CorruptStoreEntryException(file + ": field backbone_id is " + m.backboneId() + " but the directory is " + id);
        }
        return m;
    }

    /** Every stored backbone, oldest first. */
    List<BackboneManifest> list() throws IOException {
        List<BackboneManifest> out = new ArrayList<>();
        for (String id : ids()) {
            out.add(manifest(id));
        }
        out.sort(Comparator.comparing(BackboneManifest::createdAt).thenComparing(BackboneManifest::backboneId));
        return out;
    }

    List<String> ids() throws IOException {
        List<String> ids = new ArrayList<>();
        for (FileStatus st : fs.list(layout.backbones())) {
            if (st.isDirectory() && StoreNames.isBackboneId(st.getPath().getName())) {
                ids.add(st.getPath().getName());
            }
        }
        ids.sort(null);
        return ids;
    }

    /** The model zip, verified against its recorded SHA-256 before it is returned. */
    byte[] readZip(String id) throws IOException {
        BackboneManifest m = manifest(id);
        Path zip = new Path(layout.backbone(id), StoreLayout.MODEL_ZIP);
        byte[] bytes;
        try {
            bytes = fs.read(zip, MAX_ZIP_BYTES);
        } catch (FileNotFoundException e) {
            throw new CorruptStoreEntryException(zip + ": missing, although backbone.json lists it");
        }
        Checks.requireContent(zip, bytes, m.zipBytes(), m.zipSha256());
        return bytes;
    }

    /**
     * The model zip as a stream whose end is verified: reading to the end throws an {@link IOException}
     * if the bytes do not match the recorded SHA-256 (discard what was read then).
     */
    InputStream openZip(String id) throws IOException {
        BackboneManifest m = manifest(id);
        Path zip = new Path(layout.backbone(id), StoreLayout.MODEL_ZIP);
        return new VerifyingInputStream(fs.open(zip), zip, m.zipBytes(), m.zipSha256());
    }

    Optional<TensorSet> genericPrompts(String id) throws IOException {
        BackboneManifest m = manifest(id);
        GenericPromptsInfo info = m.genericPrompts();
        if (info == null) {
            return Optional.empty();
        }
        Path file = new Path(layout.backbone(id), StoreLayout.GENERIC_PROMPTS);
        byte[] bytes;
        try {
            bytes = fs.read(file, PromptVersions.MAX_PROMPT_FILE_BYTES);
        } catch (FileNotFoundException e) {
            throw new CorruptStoreEntryException(file + ": missing, although backbone.json lists generic prompts");
        }
        Checks.requireContent(file, bytes, info.bytes(), info.sha256());
        try {
            return Optional.of(Safetensors.read(bytes, file.toString()).tensors());
        } catch (SafetensorsFormatException e) {
            throw new CorruptStoreEntryException(e.getMessage(), e);
        }
    }

    /** A backbone id from a full id, a unique prefix of 8+ hex digits, "latest" (newest stored) or a backbone alias. */
    String resolve(String ref, Aliases aliases) throws IOException {
        if (ref == null || ref.isBlank()) {
            throw new InvalidStoreArgumentException("no backbone given: expected a SHA-256 id, a unique prefix of it, 'latest' or an alias");
        }
        if (StoreNames.isBackboneId(ref)) {
            requireExists(ref, "using it");
            return ref;
        }
        if (StoreNames.LATEST.equals(ref)) {
            List<BackboneManifest> all = list();
            if (all.isEmpty()) {
                throw new StoreEntryNotFoundException("no backbone in " + ctx.root());
            }
            return all.get(all.size() - 1).backboneId();
        }
        if (HEX_PREFIX.matcher(ref).matches()) {
            List<String> matches = ids().stream().filter(id -> id.startsWith(ref)).toList();
            if (matches.size() == 1) {
                return matches.get(0);
            }
            if (matches.size() > 1) {
                throw new InvalidStoreArgumentException("backbone prefix '" + ref + "' is ambiguous: " + matches);
            }
        }
        return aliases.backbone(StoreNames.alias(ref)).currentTarget().orElseThrow(() ->
                new StoreEntryNotFoundException("no backbone '" + ref + "' in " + ctx.root() + ": not an id, id prefix or backbone alias"));
    }

    /** Counts and hashes what passes through; at the end compares with the recorded size and SHA-256. */
    private static final class VerifyingInputStream extends FilterInputStream {
        private final MessageDigest md = Hashing.sha256();
        private final Path file;
        private final long bytes;
        private final String sha256;
        private long count;
        private boolean checked;

        VerifyingInputStream(InputStream in, Path file, long bytes, String sha256) {
            super(in);
            this.file = file;
            this.bytes = bytes;
            this.sha256 = sha256;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b < 0) {
                checkAtEnd();
            } else {
                md.update((byte) b);
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                checkAtEnd();
            } else {
                md.update(b, off, n);
                count += n;
            }
            return n;
        }

        private void checkAtEnd() throws IOException {
            if (checked) {
                return;
            }
            checked = true;
            String actual = Hashing.hex(md.digest());
            if (count != bytes || !actual.equals(sha256)) {
                throw new IOException(file + ": corrupt: read " + count + " bytes with SHA-256 " + actual + ", backbone.json records "
                        + bytes + " bytes with SHA-256 " + sha256, new CorruptStoreEntryException(file + ": corrupt"));
            }
        }
    }
}
