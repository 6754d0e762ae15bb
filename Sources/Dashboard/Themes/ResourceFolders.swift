import Foundation

/// Where TensorTop looks for a folder of files it reads at run time (`themes`, `demos`).
public enum ResourceFolders {
    /// `$VARIABLE`, `./NAME`, a `NAME` folder in any of the five folders above the binary (as
    /// given and with symlinks resolved: `.build/release/tensortop` in a checkout finds the
    /// checkout's), then `/usr/share/tensortop/NAME`.
    public static func candidates(named name: String, environmentVariable: String, executable: URL?) -> [URL] {
        var folders: [URL] = []
        if let env = ProcessInfo.processInfo.environment[environmentVariable], !env.isEmpty {
            folders.append(URL(fileURLWithPath: env))
        }
        folders.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(name))
        if let executable {
            for start in [executable, executable.resolvingSymlinksInPath()] {
                var folder = start.deletingLastPathComponent()
                for _ in 0..<5 {
                    folders.append(folder.appendingPathComponent(name))
                    folder = folder.deletingLastPathComponent()
                }
            }
        }
        folders.append(URL(fileURLWithPath: "/usr/share/tensortop").appendingPathComponent(name))
        return folders
    }
}
