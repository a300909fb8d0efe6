package org.promptseg.store;

import java.io.IOException;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Ids;
import org.promptseg.store.internal.StoreLayout;

/** The alias logs of centers ({@code prompts/<center>/aliases/<alias>/}) and of backbones ({@code backbones/aliases/<alias>/}). */
final class Aliases {
    static final String BACKBONES_OWNER = "backbones";

    private final StoreContext ctx;

    Aliases(StoreContext ctx) {
        this.ctx = ctx;
    }

    AliasLog promptLog(String center, String alias) {
        return new AliasLog(ctx.fs(), ctx.layout().alias(center, alias), "center '" + center + "'", alias, ctx.clock());
    }

    AliasLog backboneLog(String alias) {
        return new AliasLog(ctx.fs(), ctx.layout().backboneAlias(alias), BACKBONES_OWNER, alias, ctx.clock());
    }

    AliasHistory prompt(String center, String alias) throws IOException {
        return promptLog(center, alias).history();
    }

    AliasHistory backbone(String alias) throws IOException {
        return backboneLog(alias).history();
    }

    /** Every alias of a center, by name. */
    SortedMap<String, AliasHistory> promptAliases(String center) throws IOException {
        SortedMap<String, AliasHistory> out = new TreeMap<>();
        for (String alias : names(ctx.layout().aliases(center))) {
            out.put(alias, prompt(center, alias));
        }
        return out;
    }

    SortedMap<String, AliasHistory> backboneAliases() throws IOException {
        SortedMap<String, AliasHistory> out = new TreeMap<>();
        for (String alias : names(ctx.layout().backboneAliases())) {
            out.put(alias, backbone(alias));
        }
        return out;
    }

    private java.util.List<String> names(Path dir) throws IOException {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (FileStatus st : ctx.fs().list(dir)) {
            String name = st.getPath().getName();
            if (st.isDirectory() && Ids.isValid(name)) {
                out.add(name);
            }
        }
        return out;
    }

    static String versionTarget(int version) {
        return StoreLayout.versionName(version);
    }
}
