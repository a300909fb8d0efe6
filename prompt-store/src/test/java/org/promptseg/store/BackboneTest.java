package org.promptseg.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.promptseg.common.Hashing;
import org.promptseg.common.Json;

class BackboneTest {

    abstract static class Contract {
        abstract String newRoot(String name);

        PromptStore store;
        StoreFixtures.FakeBackbone b;

        @BeforeEach
        void setUp() throws IOException {
            store = StoreFixtures.open(newRoot("backbone")).withClock(StoreFixtures.fixedClock());
            b = StoreFixtures.backbone(1);
        }

        @Test
        @DisplayName("a backbone is stored under the caller's id with its description, zip checksum and generic prompts")
        void putAndRead() throws IOException {
            BackboneManifest m = store.putBackbone(b.id(), new ByteArrayInputStream(b.zip()), StoreFixtures.description(), StoreFixtures.prompts(5));
            assertThat(m.backboneId()).isEqualTo(b.id());
            assertThat(m.zipSha256()).isEqualTo(Hashing.sha256Hex(b.zip()));
            assertThat(m.zipBytes()).isEqualTo(b.zip().length);
            assertThat(m.classNames()).containsExactly("background", "liver", "spleen");
            assertThat(m.normalisation().get("std").doubleValue()).isEqualTo(120.25);
            assertThat(m.createdAt()).isEqualTo("2026-03-01T10:00:00Z");
            assertThat(store.backbone(b.id())).isEqualTo(m);
            assertThat(store.readBackboneZip(b.id())).isEqualTo(b.zip());
            try (InputStream in = store.openBackboneZip(b.id())) {
                assertThat(in.readAllBytes()).isEqualTo(b.zip());
            }
            assertThat(store.genericPrompts(b.id())).contains(StoreFixtures.prompts(5));
            assertThat(store.backbones()).containsExactly(m);
            assertThat(store.showBackbone(b.id().substring(0, 10)).toText()).contains(b.id()).contains("tiny").contains("+generic".substring(1));
            assertThat(Json.mapper().readTree(StoreFixtures.read(store, store.root() + "/backbones/" + b.id() + "/backbone.json"))
                    .get("format_version").intValue()).isEqualTo(1);
        }

        @Test
        @DisplayName("storing the same weights again (a new zip, same id) keeps the stored copy")
        void idempotent() throws IOException {
            BackboneManifest first = store.putBackbone(b.id(), new ByteArrayInputStream(b.zip()), StoreFixtures.description(), null);
            byte[] resaved = StoreFixtures.zip(b.configJson() + " ", b.parameters());
            BackboneManifest second = store.putBackbone(b.id(), new ByteArrayInputStream(resaved), StoreFixtures.description(), null);
            assertThat(second).isEqualTo(first);
            assertThat(store.readBackboneZip(b.id())).isEqualTo(b.zip());
            assertThatThrownBy(() -> store.putBackbone(b.id(), new ByteArrayInputStream(resaved), StoreFixtures.description(), StoreFixtures.prompts(1)))
                    .isInstanceOf(StoreException.class).hasMessageContaining("without generic prompts");
        }

        @Test
        @DisplayName("a zip changed on disk is refused by readBackboneZip and by the end of openBackboneZip")
        void corruptZip() throws IOException {
            store.putBackbone(b.id(), new ByteArrayInputStream(b.zip()), StoreFixtures.description(), null);
            String zip = store.root() + "/backbones/" + b.id() + "/model.zip";
            byte[] bad = b.zip().clone();
            bad[bad.length / 2] ^= 1;
            StoreFixtures.overwrite(store, zip, bad);
            assertThatThrownBy(() -> store.readBackboneZip(b.id())).isInstanceOf(CorruptStoreEntryException.class).hasMessageContaining(zip);
            assertThatThrownBy(() -> {
                try (InputStream in = store.openBackboneZip(b.id())) {
                    in.readAllBytes();
                }
            }).isInstanceOf(IOException.class).hasMessageContaining("corrupt").hasMessageContaining(Hashing.sha256Hex(b.zip()));
        }

        @Test
        @DisplayName("ids that are not SHA-256 hex are refused")
        void badIds() {
            assertThatThrownBy(() -> store.putBackbone("ABC", new ByteArrayInputStream(new byte[0]), StoreFixtures.description(), null))
                    .isInstanceOf(InvalidStoreArgumentException.class).hasMessageContaining("64 lowercase hex");
            assertThatThrownBy(() -> store.load("ebc", "1", "../../etc")).isInstanceOf(InvalidStoreArgumentException.class);
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
