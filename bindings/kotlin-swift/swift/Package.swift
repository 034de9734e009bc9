// swift-tools-version:5.9
// The Swift package of zkbiotime: the generated ZKBioTime.swift (uniffi) over the
// ZKBioTimeFFI XCFramework (the Rust library for iOS, the iOS simulator and macOS).
// Assembled and built by .github/workflows/release.yml (job xcframework) on macOS; the
// project's own machines have no Swift compiler, so this file is only compiled there.
import PackageDescription

let package = Package(
    name: "ZKBioTime",
    platforms: [.iOS(.v13), .macOS(.v11)],
    products: [
        .library(name: "ZKBioTime", targets: ["ZKBioTime"]),
    ],
    targets: [
        .binaryTarget(name: "ZKBioTimeFFI", path: "ZKBioTimeFFI.xcframework"),
        .target(name: "ZKBioTime", dependencies: ["ZKBioTimeFFI"], path: "Sources/ZKBioTime"),
    ]
)
