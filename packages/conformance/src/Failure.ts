/**
 * What a conformance check reports: one {@link ConformanceFailure} per property that does not hold, with the
 * shrunk counterexample in words; {@link ConformanceError} is what a `describe…` suite throws from its test.
 *
 * @since 0.1.0
 */

/**
 * A property that did not hold (or was never exercised by the generated cases).
 *
 * @since 0.1.0
 * @category failures
 */
export interface ConformanceFailure {
  /** The model's or policy's `name`. */
  readonly subject: string
  /** The property's identifier, e.g. `"putCallParity"`. */
  readonly property: string
  /** The property in words, e.g. `"put–call parity"`. */
  readonly title: string
  /**
   * The whole report, ready to show: subject, property, the shrunk counterexample with units, what was observed
   * against what was expected and the tolerance, and how to replay it.
   */
  readonly message: string
  /** Observed vs expected for the counterexample (the part of `message` after the counterexample). */
  readonly detail: string
  /** The shrunk counterexample as fast-check produced it (absent when the property was never exercised). */
  readonly counterexample?: unknown
  /** fast-check's seed and path, to replay the counterexample (`seed` and `path` options). */
  readonly seed?: number
  readonly path?: string
  /** Shrinking steps from the first failing case to the counterexample. */
  readonly shrinks?: number
}

/**
 * Thrown by the tests that `describePricingModel` and `describeRebalancePolicy` register: its message is the
 * failure's message.
 *
 * @since 0.1.0
 * @category failures
 */
export class ConformanceError extends Error {
  override readonly name = "ConformanceError"
  constructor(readonly failure: ConformanceFailure) {
    super(failure.message)
  }
}

/**
 * An interval of numbers, both ends included.
 *
 * @since 0.1.0
 * @category options
 */
export interface Range {
  readonly min: number
  readonly max: number
}

/**
 * How far an observed value may be from the expected one: `absolute × scale + relative × |expected|`, where the
 * scale is the option's price scale D·max(|F|, |K|) (D = e^{−rT}) for prices and the natural scale of each
 * Greek for Greeks (see the README). `absolute: 1e-10` therefore reads "1e-10 × F", the way model accuracy is
 * usually stated.
 *
 * @since 0.1.0
 * @category options
 */
export interface Tolerance {
  readonly relative: number
  readonly absolute: number
}
