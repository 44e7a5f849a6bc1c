// Types for test/support/child-node.mjs (plain JavaScript: test/support/test-bundle.mjs imports it without tsx).
export declare const CHILD_ENTRIES: readonly string[];
export declare function bundled(file: string): string | null;
export declare function nodeArgsFor(file: string): string[];
