/** Registers the test that a package's generated WebAssembly module is a fresh build of `source`. */
export declare const describeWasmBuild: (script: URL, source: string) => void
