// The shared config, plus: wasm/ is AssemblyScript (function decorators such as @inline are not TypeScript).
import root from "../../eslint.config.js"

export default [{ ignores: ["wasm/**"] }, ...root]
