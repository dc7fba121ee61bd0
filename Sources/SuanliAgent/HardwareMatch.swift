import Foundation
import SuanliCore

/// Maps names the OS and drivers report to the platform's catalogue models, so registered
/// models match what consumers ask for (`model` in a task's alternatives) and carry peak figures.
public enum HardwareMatch {
    /// `nvidia-smi` names whose catalogue model is spelled differently.
    public static let gpuAliases: [String: String] = [
        "NVIDIA H100 80GB HBM3": "NVIDIA H100-SXM5-80GB",
        "NVIDIA H100-SXM5-80GB": "NVIDIA H100-SXM5-80GB",
        "Tesla T4": "NVIDIA T4",
        "NVIDIA Tesla T4": "NVIDIA T4",
    ]

    /// The model name to register for a GPU product name: the catalogue's spelling when known,
    /// otherwise the product name as reported.
    public static func gpuModelName(_ reported: String) -> String {
        if let alias = gpuAliases[reported] { return alias }
        return catalogModel(kind: .gpu, name: reported)?.model ?? reported
    }

    /// The catalogue entry for a reported name: exact match, or (CPUs) the catalogue name
    /// contained in the reported one after dropping `(R)`, `(TM)`, `CPU`, `Processor` and the
    /// clock (`Intel(R) Xeon(R) Platinum 8480+ CPU @ 2.0GHz` → `Intel Xeon Platinum 8480+`).
    public static func catalogModel(kind: ResourceKind, name: String) -> HardwareModel? {
        let catalog = HardwareModel.catalog.filter { $0.kind == kind }
        if let exact = catalog.first(where: { $0.model == name }) { return exact }
        if kind == .gpu, let alias = gpuAliases[name] { return catalog.first { $0.model == alias } }
        guard kind == .cpu else { return nil }
        let reported = normalize(name)
        return catalog.filter { reported.contains(normalize($0.model)) }.max { $0.model.count < $1.model.count }
    }

    static func normalize(_ name: String) -> String {
        var text = name.lowercased()
        if let at = text.range(of: " @ ") { text = String(text[..<at.lowerBound]) }
        for noise in ["(r)", "(tm)", "®", "™"] { text = text.replacingOccurrences(of: noise, with: " ") }
        let words = text.split(separator: " ").filter { $0 != "cpu" && $0 != "processor" }
        return " " + words.joined(separator: " ") + " "
    }
}
