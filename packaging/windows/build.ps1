# Build the Windows program (PyInstaller one-folder) and its installer (Inno Setup 6).
# Run in PowerShell on Windows 10/11 x64 with Python 3.11 or 3.12 (python.org, "py" launcher)
# and Inno Setup 6 (https://jrsoftware.org/isinfo.php) installed:
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 -NoInstaller
#   ... build.ps1 -BasePython C:\Python311\python.exe   (make the venv from this Python, not "py -3")
#
# Output: dist\neighbourhood-desk\ (the program), build\selftest-dist.log (its self-test) and
# dist\neighbourhood-desk-<version>-setup.exe. It cannot run on the Linux build machines; the
# workflow .github/workflows/windows-installer.yml runs it on a Windows runner.
param([switch]$NoInstaller, [string]$BasePython = "")
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
    # CI passes the interpreter it set up; "py -3" would take the newest Python installed.
    if ($BasePython) { & $BasePython -m venv $venv } else { py -3 -m venv $venv }
    Check "python -m venv"
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
#    Through cmd so that the log keeps the program's UTF-8 bytes whatever PowerShell's encoding.
$selfTestLog = "build\selftest-dist.log"
Step "self-test (log: $selfTestLog)"
cmd /c "dist\neighbourhood-desk\neighbourhood-desk-cli.exe --self-test > $selfTestLog 2>&1"
$selfTest = $LASTEXITCODE
Get-Content -Encoding UTF8 $selfTestLog | Write-Host
if ($selfTest -ne 0) { throw "self-test failed (exit code $selfTest), see $selfTestLog" }

# Optional: sign the executables before they go into the installer.
#   signtool sign /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 /a dist\neighbourhood-desk\*.exe

if ($NoInstaller) { Step "done in $([int]((Get-Date) - $started).TotalSeconds) s"; exit 0 }

# 4. Inno Setup with the Simplified Chinese wizard. The translation is taken from the Inno
#    Setup 6 release tag: on issrc's main branch (Inno Setup 7) it moved out of Unofficial\.
$isl = "packaging\windows\ChineseSimplified.isl"
if (-not (Test-Path $isl)) {
    Step "downloading ChineseSimplified.isl (unofficial Inno Setup 6 translation)"
    Invoke-WebRequest -UseBasicParsing -OutFile $isl `
        -Uri "https://raw.githubusercontent.com/jrsoftware/issrc/is-6_7_3/Files/Languages/Unofficial/ChineseSimplified.isl"
}
$iscc = @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
          "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe") | Where-Object { Test-Path $_ } | Select-Object -First 1
if (-not $iscc) { throw "Inno Setup 6 (ISCC.exe) not found: install it from https://jrsoftware.org/isinfo.php" }
Step "Inno Setup"
& $iscc "/DAppVersion=$version" "packaging\windows\neighbourhood-desk.iss"; Check "ISCC"
Step "dist\neighbourhood-desk-$version-setup.exe ready in $([int]((Get-Date) - $started).TotalSeconds) s"
