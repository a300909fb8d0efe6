package org.promptseg.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Hashing;
import org.promptseg.common.Json;
import org.promptseg.store.internal.ManifestIo;
import org.promptseg.store.internal.Staging;
import org.promptseg.store.internal.StoreFs;
import org.promptseg.store.internal.StoreLayout;
import org.promptseg.store.tensor.Safetensors;
import org.promptseg.store.tensor.SafetensorsFormatException;
import org.promptseg.store.tensor.TensorSet;

/**
 * Round checkpoints of one running job ({@code runs/<run-id>/rounds/<NNNNNNNN>/}). A round is written
 * into a staging directory and claimed under its number in one atomic step, so a driver killed at any
 * moment leaves either the complete round or nothing; resuming reads the latest complete round.
 *
 * <p>Each round holds {@code tensors.safetensors}, {@code state.json} and {@code checkpoint.json}, which
 * records the SHA-256 of the other two; reading a round checks both.
 */
public final class RunCheckpoints {
    /** Checkpoints may hold all backbone parameters during pretraining; cap what is read into memory. */
    static final long MAX_TENSOR_FILE_BYTES = Integer.MAX_VALUE - 16;

    private final StoreContext ctx;
    private final StoreFs fs;
    private final String runId;

    RunCheckpoints(StoreContext ctx, String runId) {
        this.ctx = ctx;
        this.fs = ctx.fs();
        this.runId = runId;
    }

    /** {@code checkpoint.json}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record CheckpointManifest(int formatVersion, String runId, int round, String tensorsSha256, long tensorsBytes, String stateSha256,
            long stateBytes, String createdAt, String toolVersion) {
        static final int FORMAT_VERSION = 1;
    }

    public String runId() {
        return runId;
    }

    /**
     * Writes round {@code round} (0 = the initial state) atomically.
     *
     * @param state any object common's JSON mapper can write (a record of counters, server state, ...)
     * @throws StoreException if that round is already checkpointed
     */
    public RoundCheckpoint write(int round, TensorSet tensors, Object state) throws IOException {
        if (round < 0) {
            throw new InvalidStoreArgumentException("round " + round + " of run '" + runId + "': expected a round number >= 0");
        }
        ctx.ensureInitialized();
        Path rounds = ctx.layout().rounds(runId);
        fs.mkdirs(rounds);
        JsonNode stateTree = Json.mapper().valueToTree(state);
        byte[] tensorBytes = Safetensors.toBytes(tensors, Map.of("promptseg.run_id", runId, "promptseg.round", Integer.toString(round)));
        byte[] stateBytes = ManifestIo.toBytes(stateTree);
        String createdAt = ctx.now();
        CheckpointManifest m = new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, runId, round, Hashing.sha256Hex(tensorBytes),
                tensorBytes.length, Hashing.sha256Hex(stateBytes), stateBytes.length, createdAt, ToolVersion.current());
        try (Staging staging = Staging.in(fs, rounds)) {
            Path tensorFile = staging.file(StoreLayout.ROUND_TENSORS);
            fs.write(tensorFile, tensorBytes);
            Checks.requireWritten(fs, tensorFile, m.tensorsBytes(), m.tensorsSha256());
            Path stateFile = staging.file(StoreLayout.ROUND_STATE);
            fs.write(stateFile, stateBytes);
            Checks.requireWritten(fs, stateFile, m.stateBytes(), m.stateSha256());
            fs.write(staging.file(StoreLayout.ROUND_CHECKPOINT), ManifestIo.toBytes(m));
            try {
                staging.claimAs(ctx.layout().round(runId, round));
            } catch (FileAlreadyExistsException e) {
                throw new StoreException("round " + round + " of run '" + runId + "' is already checkpointed in " + ctx.root()
                        + "; a resumed job continues after the latest complete round (" + completedRounds() + ")");
            }
        }
        return new RoundCheckpoint(runId, round, tensors, stateTree, createdAt);
    }

    /** Numbers of the complete rounds, ascending. */
    public List<Integer> completedRounds() throws IOException {
        List<Integer> out = new ArrayList<>();
        for (FileStatus st : fs.list(ctx.layout().rounds(runId))) {
            String name = st.getPath().getName();
            if (st.isDirectory() && StoreLayout.ENTRY_NAME.matcher(name).matches()) {
                out.add(Integer.parseInt(name));
            }
        }
        out.sort(null);
        return out;
    }

    /** The latest complete round, checked against its checksums; empty if the run has none. */
    public Optional<RoundCheckpoint> latest() throws IOException {
        List<Integer> rounds = completedRounds();
        return rounds.isEmpty() ? Optional.empty() : Optional.of(read(rounds.get(rounds.size() - 1)));
    }

    public RoundCheckpoint read(int round) throws IOException {
        Path dir = ctx.layout().round(runId, round);
        if (!fs.exists(dir)) {
            throw new StoreEntryNotFoundException("run '" + runId + "' has no checkpoint of round " + round + " in " + ctx.root()
                    + "; complete rounds: " + completedRounds());
        }
        Path manifestFile = new Path(dir, StoreLayout.ROUND_CHECKPOINT);
        CheckpointManifest m = ManifestIo.read(fs, manifestFile, CheckpointManifest.class, CheckpointManifest.FORMAT_VERSION);
        if (m.round() != round || !runId.equals(m.runId())) {
            throw new CorruptStoreEntryException(manifestFile + ": says run '" + m.runId() + "' round " + m.round() + ", stored as run '"
                    + runId + "' round " + round);
        }
        Path tensorFile = new Path(dir, StoreLayout.ROUND_TENSORS);
        byte[] tensorBytes = readListed(tensorFile, MAX_TENSOR_FILE_BYTES);
        Checks.requireContent(tensorFile, tensorBytes, m.tensorsBytes(), m.tensorsSha256());
        Path stateFile = new Path(dir, StoreLayout.ROUND_STATE);
        byte[] stateBytes = readListed(stateFile, ManifestIo.MAX_JSON_BYTES);
        Checks.requireContent(stateFile, stateBytes, m.stateBytes(), m.stateSha256());
        try {
            TensorSet tensors = Safetensors.read(tensorBytes, tensorFile.toString()).tensors();
            return new RoundCheckpoint(runId, round, tensors, Json.mapper().readTree(stateBytes), m.createdAt());
        } catch (SafetensorsFormatException e) {
            throw new CorruptStoreEntryException(e.getMessage(), e);
        }
    }

    /** Removes all but the newest {@code keepLast} complete rounds; returns how many were removed. */
    public int prune(int keepLast) throws IOException {
        if (keepLast < 1) {
            throw new InvalidStoreArgumentException("keep " + keepLast + " rounds of run '" + runId + "': expected at least 1");
        }
        List<Integer> rounds = completedRounds();
        int removed = 0;
        for (int i = 0; i < rounds.size() - keepLast; i++) {
            removeAtomically(ctx.layout().round(runId, rounds.get(i)));
            removed++;
        }
        return removed;
    }

    /** Removes the whole run (after the job finished); true if there was something to remove. */
    public boolean delete() throws IOException {
        Path dir = ctx.layout().run(runId);
        if (!fs.exists(dir)) {
            return false;
        }
        removeAtomically(dir);
        return true;
    }

    /** Renames an entry out of sight first, so that no reader ever sees it half deleted. */
    private void removeAtomically(Path entry) throws IOException {
        Path trash = StoreLayout.trash(entry);
        fs.claimDirectory(entry, trash);
        fs.delete(trash);
    }

    private byte[] readListed(Path file, long max) throws IOException {
        try {
            return fs.read(file, max);
        } catch (FileNotFoundException e) {
            throw new CorruptStoreEntryException(file + ": missing, although checkpoint.json lists it");
        }
    }
}
