# Build the Windows program (PyInstaller one-folder) and its installer (Inno Setup 6).
# Run in PowerShell on Windows 10/11 x64 with Python 3.11 or 3.12 (python.org, "py" launcher)
# and Inno Setup 6 (https://jrsoftware.org/isinfo.php) installed:
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 -NoInstaller
#
# Output: dist\neighbourhood-desk\ (the program) and dist\neighbourhood-desk-<version>-setup.exe.
# This script cannot run on the Linux build machines; it is kept correct by review.
param([switch]$NoInstaller)
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path (Join-Path $PSScriptRoot "..\.."))

function Step($text) { Write-Host "== $text" }
function Check($what) { if ($LASTEXITCODE -ne 0) { throw "$what failed (exit code $LASTEXITCODE)" } }

$version = (Select-String -Path "models\version.py" -Pattern '__version__ = "(.+)"').Matches[0].Groups[1].Value
$venv = "build\pyinstaller-venv"
$python = "$venv\Scripts\python.exe"
$started = Get-Date

# 1. Build venv with pinned PyInstaller, its hooks and the program's dependencies.
if (-not (Test-Path $python)) {
    Step "creating $venv"
    py -3 -m venv $venv; Check "python -m venv"
}
Step "installing build requirements"
& $python -m pip install -q --upgrade pip; Check "pip upgrade"
& $python -m pip install -q -r packaging\requirements-build.txt; Check "pip install (pins)"
& $python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" |
    Set-Content -Encoding ascii build\pyproject-requirements.txt
& $python -m pip install -q -c packaging\requirements-build.txt -r build\pyproject-requirements.txt
Check "pip install (pyproject)"

# 2. PyInstaller: dist\neighbourhood-desk\ with neighbourhood-desk.exe (window) and
#    neighbourhood-desk-cli.exe (console: --self-test, backup, restore, check).
Step "PyInstaller"
& "$venv\Scripts\pyinstaller.exe" --noconfirm --clean --log-level WARN `
    --distpath dist --workpath build\pyinstaller packaging\neighbourhood-desk.spec
Check "PyInstaller"

# 3. The build's self-test (offscreen, temporary database, Chinese font from C:\Windows\Fonts).
Step "self-test"
& "dist\neighbourhood-desk\neighbourhood-desk-cli.exe" --self-test; Check "self-test"

# Optional: sign the executables before they go into the installer.
#   signtool sign /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 /a dist\neighbourhood-desk\*.exe

if ($NoInstaller) { Step "done in $([int]((Get-Date) - $started).TotalSeconds) s"; exit 0 }

# 4. Inno Setup with the Simplified Chinese wizard.
$isl = "packaging\windows\ChineseSimplified.isl"
if (-not (Test-Path $isl)) {
    Step "downloading ChineseSimplified.isl (unofficial Inno Setup translation)"
    Invoke-WebRequest -UseBasicParsing -OutFile $isl `
        -Uri "https://raw.githubusercontent.com/jrsoftware/issrc/main/Files/Languages/Unofficial/ChineseSimplified.isl"
}
$iscc = @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
          "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe") | Where-Object { Test-Path $_ } | Select-Object -First 1
if (-not $iscc) { throw "Inno Setup 6 (ISCC.exe) not found: install it from https://jrsoftware.org/isinfo.php" }
Step "Inno Setup"
& $iscc "/DAppVersion=$version" "packaging\windows\neighbourhood-desk.iss"; Check "ISCC"
Step "dist\neighbourhood-desk-$version-setup.exe ready in $([int]((Get-Date) - $started).TotalSeconds) s"
