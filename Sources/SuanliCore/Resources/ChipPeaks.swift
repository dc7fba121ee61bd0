/// Rated peak throughput of common chips, used for the standard compute unit when a provider
/// omits `tflops` at the precision its resource's class is counted in.
///
/// Figures are dense (no structured sparsity) peaks per unit, in TFLOPS: per accelerator, or per
/// CPU core (cores × base clock × FLOPs per cycle ÷ cores). Public tables disagree — vendors
/// quote boost or base clocks, tensor or vector units, with or without sparsity, and some chips
/// (H20, Ascend 910B) have no vendor datasheet in the open — so each row names its source and a
/// provider's own `tflops` always wins.
public struct ChipPeak: Sendable, Hashable {
    /// Lower-case fragments that identify the chip in a resource's `model` (spaces, `-` and `_` removed); all must occur.
    public var match: [String]
    /// The chip's name as shown in documentation.
    public var name: String
    /// Peak per unit at each precision (TOPS for `int8`).
    public var tflops: TFLOPS
    /// Where the figures come from.
    public var source: String

    /// Creates a row of the table.
    public init(match: [String], name: String, tflops: TFLOPS, source: String) {
        self.match = match
        self.name = name
        self.tflops = tflops
        self.source = source
    }
}

/// The built-in table of rated peaks (``ChipPeak``), most specific rows first.
public enum ChipPeaks {
    /// The rows, tried in order; the first whose fragments all occur in the model wins.
    public static let table: [ChipPeak] = [
        ChipPeak(
            match: ["h200"], name: "NVIDIA H200 SXM", tflops: TFLOPS(fp64: 34, fp32: 67, fp16: 989, int8: 1979),
            source: "NVIDIA H200 Tensor Core GPU datasheet (2024), dense figures (the sheet quotes 1979 FP16 with sparsity)"),
        ChipPeak(
            match: ["h100", "pcie"], name: "NVIDIA H100 PCIe", tflops: TFLOPS(fp64: 26, fp32: 51, fp16: 756, int8: 1513),
            source: "NVIDIA H100 Tensor Core GPU datasheet (2023), PCIe column, dense"),
        ChipPeak(
            match: ["h100"], name: "NVIDIA H100 SXM5", tflops: TFLOPS(fp64: 34, fp32: 67, fp16: 989, int8: 1979),
            source: "NVIDIA H100 Tensor Core GPU datasheet (2023), SXM column, dense"),
        ChipPeak(
            match: ["h20"], name: "NVIDIA H20", tflops: TFLOPS(fp64: 1, fp32: 44, fp16: 148, int8: 296),
            source: "no public NVIDIA datasheet; figures as reported by the trade press (SemiAnalysis, 2023); other reports differ"),
        ChipPeak(
            match: ["a100"], name: "NVIDIA A100", tflops: TFLOPS(fp64: 9.7, fp32: 19.5, fp16: 312, int8: 624),
            source: "NVIDIA A100 Tensor Core GPU datasheet (2021), dense; FP64 tensor-core peak is 19.5"),
        ChipPeak(
            match: ["4090"], name: "NVIDIA GeForce RTX 4090", tflops: TFLOPS(fp64: 1.3, fp32: 82.6, fp16: 165.2, int8: 660.6),
            source: "NVIDIA Ada Lovelace architecture whitepaper v2.1, appendix A (FP16 tensor with FP32 accumulate, dense)"),
        ChipPeak(
            match: ["910b"], name: "Huawei Ascend 910B", tflops: TFLOPS(fp16: 320, int8: 640),
            source: "Huawei Ascend 910 product page (320 TFLOPS FP16); 910B variants are quoted between 280 and 376 elsewhere"),
        ChipPeak(
            match: ["mlu370"], name: "Cambricon MLU370-X8", tflops: TFLOPS(fp32: 24, fp16: 96, int8: 256),
            source: "Cambricon MLU370-X8 product page (24 TFLOPS FP32, 96 TFLOPS FP16, 256 TOPS INT8)"),
        ChipPeak(
            match: ["8480"], name: "Intel Xeon Platinum 8480+ (per core)", tflops: TFLOPS(fp64: 0.064, fp32: 0.128),
            source: "2.0 GHz base × 32 FP64 FLOPs/cycle (two AVX-512 FMA units), Intel ARK; Intel's APP figures use AVX-512 clocks and are lower"),
        ChipPeak(
            match: ["epyc", "9654"], name: "AMD EPYC 9654 (per core)", tflops: TFLOPS(fp64: 0.0384, fp32: 0.0768),
            source: "2.4 GHz base × 16 FP64 FLOPs/cycle (Zen 4), AMD product page"),
        ChipPeak(
            match: ["kunpeng", "920"], name: "Huawei Kunpeng 920 (per core)", tflops: TFLOPS(fp64: 0.0208, fp32: 0.0416),
            source: "2.6 GHz × 8 FP64 FLOPs/cycle (two 128-bit NEON FMA pipes), Huawei Kunpeng 920 product page"),
    ]

    /// The first row matching `model` (case, spaces, `-` and `_` ignored), if any.
    public static func lookup(model: String) -> ChipPeak? {
        let key = String(model.lowercased().unicodeScalars.filter { $0 != " " && $0 != "-" && $0 != "_" })
        return table.first { row in row.match.allSatisfy { key.contains($0) } }
    }
}
