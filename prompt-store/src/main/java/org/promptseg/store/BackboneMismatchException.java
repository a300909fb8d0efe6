package org.promptseg.store;

/**
 * Prompts tuned on one backbone asked to load onto another. Prompts only mean something on the exact
 * weights they were tuned against, so this is refused, never warned about; the message names both ids.
 */
public class BackboneMismatchException extends StoreException {
    private final String promptBackbone;
    private final String requestedBackbone;

    public BackboneMismatchException(String what, String promptBackbone, String requestedBackbone) {
        super(what + " was tuned on backbone " + promptBackbone + " and cannot be loaded onto backbone " + requestedBackbone
                + ": prompts only fit the exact weights they were tuned against. Load the backbone " + promptBackbone
                + ", or tune prompts for " + requestedBackbone + ".");
        this.promptBackbone = promptBackbone;
        this.requestedBackbone = requestedBackbone;
    }

    public String promptBackbone() {
        return promptBackbone;
    }

    public String requestedBackbone() {
        return requestedBackbone;
    }
}
