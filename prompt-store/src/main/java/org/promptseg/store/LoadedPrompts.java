package org.promptseg.store;

import org.promptseg.store.tensor.TensorSet;

/** A prompt version read back and checked: its manifest and its tensors (checksum verified, backbone pinned). */
public record LoadedPrompts(PromptManifest manifest, TensorSet tensors) {}
