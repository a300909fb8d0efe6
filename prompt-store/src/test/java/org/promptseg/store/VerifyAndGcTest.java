package org.promptseg.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.promptseg.store.StoreFixtures.publication;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.promptseg.common.Json;
import org.promptseg.store.VerifyReport.Kind;
import org.promptseg.store.VerifyReport.Problem;

class VerifyAndGcTest {

    abstract static class Contract {
        abstract String newRoot(String name);

        PromptStore store;
        String backbone;
        FileSystem fs;

        @BeforeEach
        void setUp() throws IOException {
            store = StoreFixtures.open(newRoot("verify"));
            fs = StoreFixtures.fs(store);
            StoreFixtures.FakeBackbone b = StoreFixtures.backbone(1);
            backbone = store.putBackbone(b.id(), new ByteArrayInputStream(b.zip()), StoreFixtures.description(), StoreFixtures.prompts(100))
                    .backboneId();
            for (int seed = 1; seed <= 5; seed++) {
                store.publish(publication("ebc", backbone, seed));
            }
            store.publish(publication("mcl", backbone, 6));
            store.promote("ebc", "production", "2");
            store.promote("ebc", "production", "1");
            store.publishModel(new ModelPublication("ebc", "full", backbone, null, null, null, null), new ByteArrayInputStream(b.zip()));
            store.run("tune-1").write(0, StoreFixtures.prompts(7), Map.of("round", 0));
            try (StoreLock lock = store.tryLock("retune-ebc", "test").orElseThrow()) {
                assertThat(lock.isHeld()).isTrue();
            }
        }

        String versionFile(String center, String version, String file) throws IOException {
            return store.show(center, version).path() + "/" + file;
        }

        private List<Problem> problems() throws IOException {
            return store.verify().problems();
        }

        @Test
        @DisplayName("a store written by the API verifies clean, every entry counted")
        void clean() throws IOException {
            VerifyReport r = store.verify();
            assertThat(r.problems()).isEmpty();
            assertThat(r.clean()).isTrue();
            assertThat(r.leftovers()).isEmpty();
            assertThat(r.backbones()).isEqualTo(1);
            assertThat(r.promptVersions()).isEqualTo(6);
            assertThat(r.modelVersions()).isEqualTo(1);
            assertThat(r.aliasEntries()).isEqualTo(2);
            assertThat(r.runRounds()).isEqualTo(1);
            assertThat(r.toText()).contains("no problems");
            assertThat(Json.mapper().readTree(r.toJson()).get("problems").size()).isZero();
        }

        @Test
        @DisplayName("a flipped bit is reported as corrupt with both checksums, and left as it is")
        void bitFlip() throws IOException {
            String file = versionFile("ebc", "3", "prompts.safetensors");
            byte[] bytes = StoreFixtures.read(store, file);
            bytes[100] ^= 0x10;
            StoreFixtures.overwrite(store, file, bytes);
            List<Problem> problems = problems();
            assertThat(problems).hasSize(1);
            assertThat(problems.get(0).kind()).isEqualTo(Kind.CORRUPT);
            assertThat(problems.get(0).detail()).contains(store.manifest("ebc", "3").tensorsSha256()).contains(file);
            assertThat(StoreFixtures.read(store, file)).isEqualTo(bytes); // never repaired
            assertThat(store.verify().toText()).contains("CORRUPT");
        }

        @Test
        @DisplayName("missing files, extra files and unreadable manifests are each reported where they are")
        void missingExtraUnreadable() throws IOException {
            fs.delete(new Path(versionFile("ebc", "2", "prompts.safetensors")), false);
            write(versionFile("ebc", "4", "notes.txt"), "hello");
            write(store.root() + "/stray.bin", "x");
            StoreFixtures.overwrite(store, versionFile("mcl", "1", "manifest.json"), "{not json".getBytes());
            String zip = store.root() + "/backbones/" + backbone + "/model.zip";
            StoreFixtures.overwrite(store, zip, "not the zip".getBytes());

            List<Problem> problems = problems();
            assertThat(problems).anySatisfy(p -> {
                assertThat(p.kind()).isEqualTo(Kind.MISSING);
                assertThat(p.path()).endsWith("/prompts/ebc/versions/0002/prompts.safetensors");
            });
            assertThat(problems).anySatisfy(p -> {
                assertThat(p.kind()).isEqualTo(Kind.EXTRA);
                assertThat(p.path()).endsWith("/prompts/ebc/versions/0004/notes.txt");
            });
            assertThat(problems).anySatisfy(p -> {
                assertThat(p.kind()).isEqualTo(Kind.EXTRA);
                assertThat(p.path()).endsWith("/stray.bin");
            });
            assertThat(problems).anySatisfy(p -> {
                assertThat(p.kind()).isEqualTo(Kind.CORRUPT);
                assertThat(p.path()).endsWith("/prompts/mcl/versions/0001");
                assertThat(p.detail()).contains("not valid JSON");
            });
            assertThat(problems).anySatisfy(p -> {
                assertThat(p.kind()).isEqualTo(Kind.CORRUPT);
                assertThat(p.path()).isEqualTo(zip);
            });
            assertThat(problems).hasSize(5);
        }

        @Test
        @DisplayName("an alias whose version was removed by hand is dangling")
        void danglingAlias() throws IOException {
            fs.delete(new Path(store.show("ebc", "1").path()), true);
            assertThat(problems()).singleElement().satisfies(p -> {
                assertThat(p.kind()).isEqualTo(Kind.DANGLING);
                assertThat(p.detail()).contains("current target 0001");
            });
        }

        @Test
        @DisplayName("staging leftovers are not problems: listed with their age, removable by gc once old")
        void leftovers() throws IOException {
            Path young = new Path(store.root() + "/prompts/ebc/versions/.tmp-young");
            Path old = new Path(store.root() + "/prompts/ebc/versions/.tmp-old");
            write(young + "/prompts.safetensors", "partial");
            write(old + "/prompts.safetensors", "partial");
            fs.setTimes(old, System.currentTimeMillis() - Duration.ofHours(5).toMillis(), -1);

            VerifyReport r = store.verify();
            assertThat(r.clean()).isTrue();
            assertThat(r.leftovers()).hasSize(2);
            assertThat(r.leftovers()).anySatisfy(l -> {
                assertThat(l.path()).endsWith(".tmp-old");
                assertThat(l.removableByGc()).isTrue();
                assertThat(l.ageSeconds()).isGreaterThanOrEqualTo(5 * 3600 - 60);
            });
            assertThat(r.leftovers()).anySatisfy(l -> {
                assertThat(l.path()).endsWith(".tmp-young");
                assertThat(l.removableByGc()).isFalse();
            });
            assertThat(store.versions("ebc")).hasSize(5);

            GcReport gc = store.gc(new GcOptions(100, false, Duration.ofHours(1)));
            assertThat(gc.removals()).singleElement().satisfies(x -> assertThat(x.path()).endsWith(".tmp-old"));
            assertThat(fs.exists(old)).isFalse();
            assertThat(fs.exists(young)).isTrue();
        }

        @Test
        @DisplayName("gc keeps the newest N, alias targets and rollback targets; a dry run removes nothing")
        void retention() throws IOException {
            GcReport dry = store.gc(new GcOptions(2, true, Duration.ofHours(1)));
            assertThat(dry.dryRun()).isTrue();
            assertThat(dry.removals()).extracting(GcReport.Removal::path).singleElement().satisfies(p -> assertThat(p).endsWith("/ebc/versions/0003"));
            assertThat(dry.removals().get(0).bytes()).isPositive();
            assertThat(dry.kept()).anySatisfy(k -> {
                assertThat(k.version()).isEqualTo("0001");
                assertThat(k.reasons()).containsExactly("alias production");
            });
            assertThat(dry.kept()).anySatisfy(k -> {
                assertThat(k.version()).isEqualTo("0002");
                assertThat(k.reasons()).containsExactly("rollback target of production");
            });
            assertThat(dry.toText()).contains("would remove prompt-version").contains("0003");
            assertThat(store.versions("ebc")).hasSize(5);

            GcReport applied = store.gc(new GcOptions(2, false, Duration.ofHours(1)));
            assertThat(applied.removals()).hasSize(1);
            assertThat(store.versions("ebc")).extracting(PromptManifest::version).containsExactly("0001", "0002", "0004", "0005");
            assertThat(store.versions("mcl")).hasSize(1);
            assertThat(store.verify().clean()).isTrue();
            assertThat(store.verify().leftovers()).isEmpty();
            assertThat(store.rollback("ebc", "production").target()).isEqualTo("0002");
            // numbers are never reused: the newest always stays
            assertThat(store.publish(publication("ebc", backbone, 9)).version()).isEqualTo("0006");
        }

        @Test
        @DisplayName("gc keeps the newest N baseline models per center and refuses keep 0")
        void modelsAndBounds() throws IOException {
            byte[] zip = StoreFixtures.backbone(2).zip();
            store.publishModel(new ModelPublication("ebc", "head", backbone, null, null, null, null), new ByteArrayInputStream(zip));
            store.gc(new GcOptions(1, false, Duration.ofHours(1)));
            assertThat(store.models("ebc")).extracting(ModelManifest::version).containsExactly("0002");
            assertThatThrownBy(() -> new GcOptions(0, true, Duration.ZERO)).isInstanceOf(InvalidStoreArgumentException.class)
                    .hasMessageContaining("at least 1");
        }

        private void write(String path, String content) throws IOException {
            try (FSDataOutputStream out = fs.create(new Path(path), true)) {
                out.write(content.getBytes());
            }
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
