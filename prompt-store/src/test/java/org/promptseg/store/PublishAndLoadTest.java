package org.promptseg.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.promptseg.store.StoreFixtures.publication;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.promptseg.common.Hashing;
import org.promptseg.common.Json;
import org.promptseg.store.VersionDiff.Status;
import org.promptseg.store.tensor.Safetensors;
import org.promptseg.store.tensor.Tensor;
import org.promptseg.store.tensor.TensorSet;
import org.promptseg.store.tensor.TensorSpec;

class PublishAndLoadTest {

    abstract static class Contract {
        abstract String newRoot(String name);

        PromptStore store;
        String backbone;

        @BeforeEach
        void setUp() throws IOException {
            store = StoreFixtures.open(newRoot("publish")).withClock(StoreFixtures.fixedClock());
            backbone = StoreFixtures.putBackbone(store, 1);
        }

        @Test
        @DisplayName("publishing numbers versions 0001, 0002, ... and records everything in the manifest")
        void publishRecordsManifest() throws IOException {
            PromptManifest first = store.publish(publication("ebc", backbone, 1));
            PromptManifest second = store.publish(PromptPublication.builder("ebc", backbone, StoreFixtures.prompts(2))
                    .parentVersion("1").promptKinds(List.of("input")).metric("val_dice_mean", 0.7).build());

            assertThat(first.version()).isEqualTo("0001");
            assertThat(second.version()).isEqualTo("0002");
            assertThat(second.parentVersion()).isEqualTo("0001");
            assertThat(first.formatVersion()).isEqualTo(PromptManifest.FORMAT_VERSION);
            assertThat(first.center()).isEqualTo("ebc");
            assertThat(first.backboneSha256()).isEqualTo(backbone);
            assertThat(first.promptKinds()).containsExactly("input", "deep");
            assertThat(first.tensors()).containsEntry("prompt/deep/tokens", org.promptseg.store.tensor.TensorSpec.of(
                    org.promptseg.store.tensor.DType.F32, 3, 16));
            assertThat(first.configHash()).isEqualTo("cfg-1");
            assertThat(first.provenance().caseCount()).isEqualTo(2);
            assertThat(first.provenance().caseIds()).isNull();
            assertThat(first.metrics()).containsEntry("val_dice_mean", 0.501);
            assertThat(first.createdAt()).isEqualTo("2026-03-01T10:00:00Z");
            assertThat(first.toolVersion()).isNotBlank().isNotEqualTo("unknown");
            assertThat(first.parameterCount()).isEqualTo(2 * 4 * 4 + 3 * 16);

            // what is on disk: exactly the two files, the manifest as written, the tensor file's real checksum
            String dir = store.show("ebc", "1").path();
            FileStatus[] files = StoreFixtures.fs(store).listStatus(new Path(dir));
            assertThat(Arrays.stream(files).map(f -> f.getPath().getName())).containsExactlyInAnyOrder("manifest.json", "prompts.safetensors");
            byte[] tensorFile = StoreFixtures.read(store, dir + "/prompts.safetensors");
            assertThat(Hashing.sha256Hex(tensorFile)).isEqualTo(first.tensorsSha256());
            assertThat((long) tensorFile.length).isEqualTo(first.tensorsBytes());
            assertThat(Safetensors.read(tensorFile, "x").metadata()).containsEntry("promptseg.backbone_sha256", backbone);
            JsonNode raw = Json.mapper().readTree(StoreFixtures.read(store, dir + "/manifest.json"));
            assertThat(raw.get("format_version").intValue()).isEqualTo(1);
            assertThat(raw.get("backbone_sha256").textValue()).isEqualTo(backbone);
            assertThat(raw.get("tensors_sha256").textValue()).isEqualTo(first.tensorsSha256());
            assertThat(raw.get("provenance").get("case_ids_sha256").textValue()).hasSize(64);
            assertThat(store.manifest("ebc", "0001")).isEqualTo(first);
        }

        @Test
        @DisplayName("loading gives back the exact tensors, by number, zero-padded number, latest or alias")
        void loadRoundTrip() throws IOException {
            store.publish(publication("ebc", backbone, 1));
            store.publish(publication("ebc", backbone, 2));
            assertThat(store.load("ebc", "1", backbone).tensors()).isEqualTo(StoreFixtures.prompts(1));
            assertThat(store.load("ebc", "0002", backbone).tensors()).isEqualTo(StoreFixtures.prompts(2));
            assertThat(store.load("ebc", "latest", backbone).manifest().version()).isEqualTo("0002");
            store.promote("ebc", "production", "1");
            LoadedPrompts production = store.load("ebc", "production", backbone);
            assertThat(production.manifest().version()).isEqualTo("0001");
            assertThat(production.tensors().get("prompt/input/delta").toFloats())
                    .containsExactly(StoreFixtures.prompts(1).get("prompt/input/delta").toFloats());
        }

        @Test
        @DisplayName("prompts refuse to load onto another backbone, and the message names both hashes")
        void pinning() throws IOException {
            store.publish(publication("ebc", backbone, 1));
            String other = StoreFixtures.putBackbone(store, 2);
            assertThatThrownBy(() -> store.load("ebc", "1", other))
                    .isInstanceOf(BackboneMismatchException.class)
                    .hasMessageContaining(backbone).hasMessageContaining(other).hasMessageContaining("ebc");
        }

        @Test
        @DisplayName("a tensor file changed on disk is refused at load with both checksums")
        void corruptionDetectedAtLoad() throws IOException {
            PromptManifest m = store.publish(publication("ebc", backbone, 1));
            String file = store.show("ebc", "1").path() + "/prompts.safetensors";
            byte[] bytes = StoreFixtures.read(store, file);
            bytes[bytes.length - 1] ^= 0x01;
            StoreFixtures.overwrite(store, file, bytes);
            assertThatThrownBy(() -> store.load("ebc", "1", backbone))
                    .isInstanceOf(CorruptStoreEntryException.class)
                    .hasMessageContaining(file).hasMessageContaining(m.tensorsSha256()).hasMessageContaining(Hashing.sha256Hex(bytes));
        }

        @Test
        @DisplayName("a version that does not exist is reported with what does")
        void unknownVersion() throws IOException {
            store.publish(publication("ebc", backbone, 1));
            assertThatThrownBy(() -> store.load("ebc", "7", backbone))
                    .isInstanceOf(StoreEntryNotFoundException.class).hasMessageContaining("0007").hasMessageContaining("1 version(s), 0001 to 0001");
            assertThatThrownBy(() -> store.load("ebc", "candidate", backbone))
                    .isInstanceOf(StoreEntryNotFoundException.class).hasMessageContaining("no alias 'candidate'");
            assertThatThrownBy(() -> store.load("nowhere", "latest", backbone))
                    .isInstanceOf(StoreEntryNotFoundException.class).hasMessageContaining("no prompt versions");
        }

        @Test
        @DisplayName("publishing needs the backbone in the store and an existing parent")
        void publishPreconditions() throws IOException {
            String absent = "ab".repeat(32);
            assertThatThrownBy(() -> store.publish(publication("ebc", absent, 1)))
                    .isInstanceOf(StoreEntryNotFoundException.class).hasMessageContaining(absent).hasMessageContaining("putBackbone");
            assertThatThrownBy(() -> store.publish(PromptPublication.builder("ebc", backbone, StoreFixtures.prompts(1)).parentVersion("3").build()))
                    .isInstanceOf(StoreEntryNotFoundException.class).hasMessageContaining("0003");
            assertThat(store.versions("ebc")).isEmpty();
        }

        @Test
        @DisplayName("diff reports per-tensor L2 and max-abs differences, shape changes and metric changes")
        void diff() throws IOException {
            TensorSet a = TensorSet.of(Map.of("w", Tensor.ofFloats(new long[] {3}, 1f, 2f, 3f), "gone", Tensor.ofFloats(new long[] {1}, 1f),
                    "reshaped", Tensor.ofFloats(new long[] {2}, 1f, 1f), "same", Tensor.ofInts(new long[] {1}, 4)));
            TensorSet b = TensorSet.of(Map.of("w", Tensor.ofFloats(new long[] {3}, 1f, 5f, -1f), "new", Tensor.ofFloats(new long[] {1}, 1f),
                    "reshaped", Tensor.ofFloats(new long[] {1, 2}, 1f, 1f), "same", Tensor.ofInts(new long[] {1}, 4)));
            store.publish(PromptPublication.builder("ebc", backbone, a).metric("dice", 0.5).metric("only_a", 1).build());
            store.publish(PromptPublication.builder("ebc", backbone, b).metric("dice", 0.75).build());

            VersionDiff d = store.diff("ebc", "1", "2");
            Map<String, VersionDiff.TensorDiff> byName = new java.util.TreeMap<>();
            d.tensors().forEach(t -> byName.put(t.name(), t));
            assertThat(byName.get("w").status()).isEqualTo(Status.CHANGED);
            assertThat(byName.get("w").l2()).isEqualTo(5.0); // sqrt(0 + 9 + 16)
            assertThat(byName.get("w").maxAbs()).isEqualTo(4.0);
            assertThat(byName.get("w").normA()).isEqualTo(Math.sqrt(14));
            assertThat(byName.get("same").status()).isEqualTo(Status.IDENTICAL);
            assertThat(byName.get("same").l2()).isZero();
            assertThat(byName.get("reshaped").status()).isEqualTo(Status.SHAPE_MISMATCH);
            assertThat(byName.get("reshaped").specB()).isEqualTo(TensorSpec.of(org.promptseg.store.tensor.DType.F32, 1, 2));
            assertThat(byName.get("gone").status()).isEqualTo(Status.ONLY_IN_A);
            assertThat(byName.get("new").status()).isEqualTo(Status.ONLY_IN_B);
            assertThat(d.metrics()).contains(new VersionDiff.MetricDiff("dice", 0.5, 0.75, 0.25), new VersionDiff.MetricDiff("only_a", 1.0, null, null));
            assertThat(d.toText()).contains("w").contains("CHANGED").contains("l2 5.00000");
            assertThat(Json.mapper().readTree(d.toJson()).get("tensors").size()).isEqualTo(5);
        }

        @Test
        @DisplayName("list and show render as text and as JSON")
        void listAndShow() throws IOException {
            store.publish(publication("ebc", backbone, 1));
            store.publish(publication("ebc", backbone, 2));
            store.publish(publication("mcl", backbone, 3));
            store.promote("ebc", "production", "2");
            StoreListing all = store.list();
            assertThat(all.centers()).extracting(StoreListing.CenterListing::center).containsExactly("ebc", "mcl");
            assertThat(all.centers().get(0).aliases()).containsEntry("production", "0002");
            assertThat(all.centers().get(0).versions().get(1).aliases()).containsExactly("production");
            assertThat(all.backbones()).extracting(StoreListing.BackboneSummary::id).containsExactly(backbone);
            assertThat(all.toText()).contains("center ebc").contains("0002").contains("[production]").contains(backbone);
            JsonNode json = Json.mapper().readTree(all.toJson());
            assertThat(json.get("centers").get(0).get("versions").size()).isEqualTo(2);

            VersionDetails shown = store.show("ebc", "production");
            assertThat(shown.manifest().version()).isEqualTo("0002");
            assertThat(shown.aliases()).containsExactly("production");
            assertThat(shown.toText()).contains("center ebc version 0002").contains("[production]").contains("val_dice_mean");
            assertThat(Json.mapper().readTree(shown.toJson()).get("manifest").get("tensors_sha256").textValue()).hasSize(64);
            assertThat(store.list("mcl").centers()).hasSize(1);
        }

        @Test
        @DisplayName("fine-tuned baseline models are published, listed and read back verified")
        void models() throws IOException {
            byte[] zip = StoreFixtures.backbone(9).zip();
            ModelManifest m1 = store.publishModel(new ModelPublication("ebc", "full", backbone, "cfg", null, Map.of("dice", 0.9), null),
                    new ByteArrayInputStream(zip));
            ModelManifest m2 = store.publishModel(new ModelPublication("ebc", "head", backbone, "cfg", null, null, null),
                    new ByteArrayInputStream(zip));
            assertThat(m1.version()).isEqualTo("0001");
            assertThat(m2.version()).isEqualTo("0002");
            assertThat(m1.modelSha256()).isEqualTo(Hashing.sha256Hex(zip));
            assertThat(store.models("ebc")).containsExactly(m1, m2);
            assertThat(store.readModelZip("ebc", "1")).isEqualTo(zip);
            assertThat(store.model("ebc", "2").mode()).isEqualTo("head");
            assertThatThrownBy(() -> store.publishModel(new ModelPublication("ebc", "prompt", backbone, null, null, null, null),
                    new ByteArrayInputStream(zip))).isInstanceOf(InvalidStoreArgumentException.class).hasMessageContaining("'full' or 'head'");
        }
    }

    @Nested
    @DisplayName("on the local filesystem")
    class Local extends Contract {
        @Override
        String newRoot(String name) {
            return StoreFixtures.localRoot(name);
        }
    }

    @Nested
    @DisplayName("on HDFS")
    class Hdfs extends Contract {
        @Override
        String newRoot(String name) {
            return StoreFixtures.hdfsRoot(name);
        }
    }
}
