#!/usr/bin/env bash
# Assembles the Android library (AAR) of the Kotlin binding into OUT_DIR (default
# target/android): the native library for arm64-v8a, armeabi-v7a, x86_64 and x86 (built with
# cargo-ndk), the generated Kotlin compiled by the project's Maven build (classes.jar, with
# no desktop library inside) and the consumer ProGuard rules JNA needs. Used by
# .github/workflows/release.yml; needs ANDROID_NDK_HOME, cargo-ndk, Maven, a JDK and the
# Rust targets aarch64-linux-android, armv7-linux-androideabi, x86_64-linux-android and
# i686-linux-android. Apps add JNA's own AAR: implementation("net.java.dev.jna:jna:5.17.0@aar").
set -euo pipefail

root="$(cd "$(dirname "$0")/../../.." && pwd)"
out="$(mkdir -p "${1:-$root/target/android}" && cd "${1:-$root/target/android}" && pwd)"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)"
work="$out/aar"
rm -rf "$work" "$out/maven" "$out/no-native"
mkdir -p "$work/jni" "$out/no-native"
cd "$root"

echo "==> native libraries (cargo ndk, release)"
cargo ndk -t arm64-v8a -t armeabi-v7a -t x86_64 -t x86 -o "$work/jni" \
  build --release -p zkbiotime-uniffi

echo "==> classes.jar (Maven; the desktop library left out)"
mvn -B -q -f bindings/kotlin-swift/pom.xml package -DskipTests \
  -Dzkbiotime.native.dir="$out/no-native" -Dzkbiotime.build.dir="$out/maven"
cp "$out/maven/zkbiotime-uniffi.jar" "$work/classes.jar"

cat > "$work/AndroidManifest.xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="zkbiotime">
    <uses-sdk android:minSdkVersion="24" />
    <uses-permission android:name="android.permission.INTERNET" />
</manifest>
XML

# JNA finds its classes and the binding's callbacks by reflection: R8 must keep them.
cat > "$work/proguard.txt" <<'PRO'
-keep class com.sun.jna.** { *; }
-keepclassmembers class * extends com.sun.jna.** { public *; }
-keep class io.github.zkbiotime.** { *; }
-dontwarn java.awt.**
PRO
touch "$work/R.txt"
cp "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$work/"

aar="$out/zkbiotime-$version.aar"
rm -f "$aar"
(cd "$work" && jar cf "$aar" .)
echo "==> $aar"
jar tf "$aar" | sed 's/^/    /'
