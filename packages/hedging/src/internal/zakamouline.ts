/**
 * Zakamouline's (2006) fitted band, unchecked and allocation-free, shared by `Formulas.zakamoulineBand` (which
 * validates its inputs) and the `zakamouline` policy (which runs per path): writes H₀, H₁ and K into `out[0..2]`.
 * κ one-way cost, S spot, σ vol, τ years, |Γ| position gamma, γ risk aversion, e^{−rτ} discount.
 */
export const zakamoulineInto = (kappa: number, spot: number, vol: number, tau: number, gammaAbs: number, riskAversion: number, discount: number, out: Float64Array): void => {
  const scale = Math.pow(discount / vol, 0.25)
  out[0] = kappa / (riskAversion * spot * vol * vol * tau)
  out[1] = 1.12 * Math.pow(kappa, 0.31) * Math.pow(tau, 0.05) * scale * Math.sqrt(gammaAbs / riskAversion)
  out[2] = ((-4.76 * Math.pow(kappa, 0.78)) / Math.pow(tau, 0.02)) * scale * Math.pow(riskAversion * spot * spot * gammaAbs, 0.15)
}
