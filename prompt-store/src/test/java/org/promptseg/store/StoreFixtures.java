package org.promptseg.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.MiniHdfs;
import org.promptseg.common.Uris;
import org.promptseg.store.tensor.Tensor;
import org.promptseg.store.tensor.TensorSet;

/** Stores on a fresh local directory or on the HDFS minicluster, and seeded content to put in them. */
final class StoreFixtures {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private StoreFixtures() {}

    /** A fresh store root under the module's target/ (tests run there), so runs never litter the system temp folder. */
    static String localRoot(String name) {
        try {
            java.nio.file.Path parent = Files.createDirectories(java.nio.file.Path.of("target", "test-stores"));
            return Files.createTempDirectory(parent.toAbsolutePath(), name).resolve("store").toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String hdfsRoot(String name) {
        return MiniHdfs.newDir(name) + "/store";
    }

    static Configuration conf(String root) {
        if (!root.startsWith("hdfs:")) {
            return new Configuration();
        }
        Configuration conf = MiniHdfs.conf();
        // Closing a file waits until the datanode has reported its block; the client polls with a backoff
        // starting at 400 ms, which the minicluster's datanode beats by far. 10 ms makes a close ~10 ms
        // instead of ~170 ms here; the behaviour is the same.
        conf.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 10);
        return conf;
    }

    static PromptStore open(String root) throws IOException {
        return PromptStore.open(root, conf(root));
    }

    static Clock fixedClock() {
        return Clock.fixed(T0, ZoneOffset.UTC);
    }

    /** Small prompt tensors, different for every seed: an input prompt and deep prompt tokens. */
    static TensorSet prompts(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return TensorSet.builder()
                .put("prompt/input/delta", floats(r, 2, 4, 4))
                .put("prompt/deep/tokens", floats(r, 3, 16))
                .build();
    }

    static Tensor floats(SplittableRandom r, long... shape) {
        float[] v = new float[(int) Tensor.elementCount(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return Tensor.ofFloats(shape, v);
    }

    /** A backbone whose id is computed from a configuration and parameters, as the jobs do. */
    record FakeBackbone(String id, byte[] zip, TensorSet parameters, String configJson) {}

    static FakeBackbone backbone(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        TensorSet params = TensorSet.builder()
                .put("enc0_W", floats(r, 4, 1, 3, 3, 3))
                .put("enc0_b", floats(r, 4))
                .put("head_W", floats(r, 3, 4))
                .build();
        String config = "{\"preset\":\"tiny\",\"seed\":" + seed + ",\"channels\":[4]}";
        String id = BackboneIds.compute(config, params);
        return new FakeBackbone(id, zip(config, params), params, config);
    }

    /** A real zip, as a model zip is; its bytes include a timestamp, like DL4J's. */
    static byte[] zip(String config, TensorSet params) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            z.putNextEntry(new ZipEntry("configuration.json"));
            z.write(config.getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("coefficients.bin"));
            for (Tensor t : params.asMap().values()) {
                t.writeTo(z);
            }
            z.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static BackboneDescription description() {
        ObjectNode norm = JsonNodeFactory.instance.objectNode().put("clip_low", -1000).put("clip_high", 1000).put("mean", 40.5).put("std", 120.25);
        ObjectNode prov = JsonNodeFactory.instance.objectNode().put("centers", "a,b").put("rounds", 3);
        return new BackboneDescription("tiny", List.of("background", "liver", "spleen"), List.of(32, 32, 32), 151, norm, prov, null);
    }

    static String putBackbone(PromptStore store, long seed) throws IOException {
        FakeBackbone b = backbone(seed);
        return store.putBackbone(b.id(), new ByteArrayInputStream(b.zip()), description(), null).backboneId();
    }

    static PromptPublication publication(String center, String backbone, long seed) {
        return PromptPublication.builder(center, backbone, prompts(seed))
                .promptKinds(List.of("input", "deep"))
                .configHash("cfg-" + seed)
                .provenance(DataProvenance.of("hdfs://nn/data/" + center, List.of("case-" + seed, "case-x"), false))
                .metric("val_dice_mean", 0.5 + seed / 1000.0)
                .metric("train_loss", 1.0 / (seed + 1))
                .build();
    }

    /** Overwrites a stored file with other bytes, as bit rot or a careless hand would. */
    static void overwrite(PromptStore store, String path, byte[] content) throws IOException {
        Path p = new Path(path);
        FileSystem fs = Uris.fileSystem(p, conf(store.root()));
        if ("file".equals(fs.getScheme())) {
            Files.write(java.nio.file.Path.of(p.toUri()), content);
            return;
        }
        try (FSDataOutputStream out = fs.create(p, true)) {
            out.write(content);
        }
    }

    static byte[] read(PromptStore store, String path) throws IOException {
        Path p = new Path(path);
        try (var in = Uris.fileSystem(p, conf(store.root())).open(p)) {
            return in.readAllBytes();
        }
    }

    /** The store's filesystem; the raw one for local stores, so that tests leave no .crc files behind either. */
    static FileSystem fs(PromptStore store) {
        FileSystem fs = Uris.fileSystem(new Path(store.root()), conf(store.root()));
        return fs instanceof org.apache.hadoop.fs.LocalFileSystem local ? local.getRawFileSystem() : fs;
    }
}
