"""Records what the real probe sends during a short run of tiny_training.py, as wire frames.

The Swift tests (Tests/AttachTests) read the recording as a fixture: every frame must decode,
and the dashboard must show it. Run from the repository root with a Python that has torch:

    PYTHONPATH=python python python/tests/record_fixture.py Tests/AttachTests/Fixtures/probe-run.frames

The stand-in dashboard here welcomes the probe, asks for one pause, a learning-rate change and
a resume, and keeps every frame the probe sends, byte for byte.
"""
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))


def read_frame(connection):
    """The next frame's payload, or None at the end of the connection."""
    header = b""
    while len(header) < 4:
        chunk = connection.recv(4 - len(header))
        if not chunk:
            return None
        header += chunk
    (length,) = struct.unpack("<I", header)
    payload = b""
    while len(payload) < length:
        chunk = connection.recv(length - len(payload))
        if not chunk:
            return None
        payload += chunk
    return payload


def send(connection, message):
    payload = json.dumps(message).encode()
    connection.sendall(struct.pack("<I", len(payload)) + payload)


def main():
    output = sys.argv[1]
    folder = tempfile.mkdtemp(prefix="tt-fixture-")
    path = os.path.join(folder, "attach.sock")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(path)
    listener.listen(1)
    frames = []

    def serve():
        connection, _ = listener.accept()
        commands = [{"pause": {}}, {"scaleLearningRate": {"factor": 2}}, {"resume": {}}]
        snapshots = 0
        while True:
            payload = read_frame(connection)
            if payload is None:
                return
            frames.append(payload)
            message = json.loads(payload)
            if "hello" in message:
                send(connection, {"welcome": {"schemaVersion": 1, "tensortopVersion": "fixture"}})
            elif "snapshot" in message:
                snapshots += 1
                if snapshots == 1 and commands:
                    for index, command in enumerate(commands, start=1):
                        send(connection, {"command": {"id": index, "command": command}})
                    commands = []

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    env = dict(os.environ, TENSORTOP_ATTACH=f"unix:{path}")
    progress = os.path.join(folder, "progress")
    subprocess.run([sys.executable, os.path.join(HERE, "tiny_training.py"), "--steps", "25", "--sleep", "0.1",
                    "--progress", progress], check=True, env=env)
    thread.join(timeout=10)
    with open(output + ".tmp", "wb") as file:
        for payload in frames:
            file.write(struct.pack("<I", len(payload)) + payload)
    os.replace(output + ".tmp", output)
    kinds = [next(iter(json.loads(payload))) for payload in frames]
    print(f"{output}: {len(frames)} frames ({', '.join(f'{kinds.count(k)} {k}' for k in sorted(set(kinds)))}), "
          f"{sum(len(p) + 4 for p in frames)} bytes")


if __name__ == "__main__":
    main()
