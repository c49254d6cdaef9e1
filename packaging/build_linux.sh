#!/usr/bin/env bash
# Build the one-folder Linux bundle, check it runs (self-test, info), and check its size.
#
#   packaging/build_linux.sh [DIST_DIR]                (default: dist/ in the repository)
#   packaging/build_linux.sh --check-only [DIST_DIR]   (only the checks, on a bundle built before)
#
# Environment: PYTHON (the Python whose packages go in; default: python3 on PATH),
# SIZE_BUDGET_MB (default 7000: the bundle fails over it), WORK_DIR (PyInstaller's build folder).
# Needs PyInstaller (pip install ".[bundle]"). Writes only DIST_DIR and WORK_DIR.
set -euo pipefail

CHECK_ONLY=0
if [ "${1:-}" = "--check-only" ]; then CHECK_ONLY=1; shift; fi
REPO="$(cd "$(dirname "$0")/.." && pwd)"
DIST="$(realpath -m "${1:-$REPO/dist}")"
WORK="$(realpath -m "${WORK_DIR:-$DIST/.work}")"
PYTHON="${PYTHON:-python3}"
SIZE_BUDGET_MB="${SIZE_BUDGET_MB:-7000}"   # measured: see packaging/README.md
FILE_LIMIT_BYTES=$((2 * 1024 * 1024 * 1024))  # a release asset must stay under 2 GiB
APP="$DIST/soccer-desktop"

build_note="checks only: not built in this run"
if [ "$CHECK_ONLY" = 0 ]; then
    "$PYTHON" -c 'import PyInstaller' 2>/dev/null || { echo "PyInstaller is missing: pip install '.[bundle]'" >&2; exit 2; }
    mkdir -p "$DIST" "$WORK"

    # One OpenCV only. opencv-python and opencv-python-headless share the cv2 folder; the non-headless one links
    # Qt 5 and ships Qt plugins. When it is the installed one, bundle the headless wheel of the same version instead.
    OVERLAY=""
    if "$PYTHON" -c 'import importlib.util, os, sys; s = importlib.util.find_spec("cv2"); sys.exit(0 if os.path.isdir(os.path.join(os.path.dirname(s.origin), "qt")) else 1)'; then
        version="$("$PYTHON" -c 'import importlib.metadata as m; print(m.version("opencv-python"))')"
        echo "== The installed cv2 is opencv-python $version (links Qt 5): fetching opencv-python-headless $version"
        if "$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: -d "$WORK/wheels" "opencv-python-headless==$version"; then
            OVERLAY="$WORK/opencv-headless"
            rm -rf "$OVERLAY" && mkdir -p "$OVERLAY"
            "$PYTHON" -m zipfile -e "$(ls "$WORK"/wheels/opencv_python_headless-"$version"-*.whl | head -1)" "$OVERLAY"
        else
            echo "!! could not fetch the headless wheel: bundling opencv-python without its Qt plugins" >&2
        fi
    fi

    echo "== PyInstaller ($("$PYTHON" -m PyInstaller --version)), output in $APP"
    started=$(date +%s)
    rm -rf "$APP"
    PYTHONPATH="${OVERLAY:+$OVERLAY:}$REPO" "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
        --distpath "$DIST" --workpath "$WORK/build" "$REPO/packaging/pyinstaller/soccer-desktop.spec"
    build_s=$(( $(date +%s) - started ))
    build_note="built in ${build_s} s"
    # Beside the program: the per-user installer (desktop entry and icon) and its undo.
    install -m755 "$REPO/packaging/linux/install.sh" "$REPO/packaging/linux/uninstall.sh" "$APP/"
    install -m644 "$REPO/packaging/linux/soccer-desktop.desktop" "$APP/"
    echo "== Built in ${build_s} s"
fi
[ -x "$APP/soccer-desktop" ] || { echo "No bundle at $APP" >&2; exit 2; }

# The bundle must run on its own: no source tree, no venv on the path, a private user folder.
check_home="$(mktemp -d)"
trap 'rm -rf "$check_home"' EXIT
run_bundle() {
    env -u PYTHONPATH -u PYTHONHOME -u VIRTUAL_ENV QT_QPA_PLATFORM=offscreen SOCCER_DESKTOP_HOME="$check_home" \
        HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 "$APP/soccer-desktop" "$@"
}
echo "== $APP/soccer-desktop --version"
(cd / && run_bundle --version)
echo "== self-test"
(cd / && run_bundle self-test)
echo "== info"
(cd / && run_bundle info --timeout 120)

# The MLflow UI runs mlflow's database migrations (alembic scripts collected as files) and a uvicorn server.
if command -v curl >/dev/null; then
    echo "== MLflow UI on a new database"
    ui_dir="$(mktemp -d)"
    port=$(( 20000 + RANDOM % 20000 ))
    # exec: the background job's pid becomes the UI's, and setsid makes it the leader of its own process group.
    (cd "$ui_dir" && exec env -u PYTHONPATH MLFLOW_DISABLE_TELEMETRY=true setsid "$APP/soccer-desktop" -m mlflow ui \
        --backend-store-uri "sqlite:///$ui_dir/mlflow.db" --host 127.0.0.1 --port "$port" --workers 1 \
        > "$ui_dir/ui.log" 2>&1) &
    ui_pid=$!
    ui_ok=0
    for _ in $(seq 1 120); do
        if curl -sf -o /dev/null "http://127.0.0.1:$port/health"; then ui_ok=1; break; fi
        sleep 1
    done
    kill -- -"$ui_pid" 2>/dev/null || kill "$ui_pid" 2>/dev/null || true
    wait "$ui_pid" 2>/dev/null || true
    if [ "$ui_ok" = 1 ]; then echo "MLflow UI answered"; else echo "FAIL: the MLflow UI did not answer:" >&2; tail -20 "$ui_dir/ui.log" >&2; fi
    rm -rf "$ui_dir"
fi

size_mb=$(( $(du -sb "$APP" | cut -f1) / 1024 / 1024 ))
files=$(find "$APP" -type f | wc -l)
echo "== Bundle: ${size_mb} MB in ${files} files (budget ${SIZE_BUDGET_MB} MB); ${build_note}"
echo "Largest files:"
find "$APP" -type f -printf '%s %P\n' | sort -rn | awk 'NR <= 5 {printf "  %6d MB  %s\n", $1 / 1048576, $2}'
status=0
too_big="$(find "$APP" -type f -size +$((FILE_LIMIT_BYTES / 1024))k -printf '%P\n')"
if [ -n "$too_big" ]; then
    echo "FAIL: files over 2 GiB (the release-asset limit): $too_big" >&2
    status=1
fi
if [ "${ui_ok:-1}" = 0 ]; then
    status=1
fi
if [ "$size_mb" -gt "$SIZE_BUDGET_MB" ]; then
    echo "FAIL: the bundle is ${size_mb} MB, over the ${SIZE_BUDGET_MB} MB budget" >&2
    status=1
fi
exit $status
