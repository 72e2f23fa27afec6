# Neighbourhood Desk set-up on Windows 10/11 (PowerShell):
#   powershell -ExecutionPolicy Bypass -File scripts\dev.ps1 run   set up, then open the program
#   powershell -ExecutionPolicy Bypass -File scripts\dev.ps1 test  set up, then run the tests
# Needs Python 3.10+ from python.org (the "py" launcher). Windows has Qt's libraries and the
# Chinese fonts (SimSun, Microsoft YaHei) already; nothing else is installed system-wide.
param([string]$Mode = "run", [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest)
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")

$venv = ".venv"
if (-not (Test-Path "$venv\Scripts\python.exe")) {
    if (Get-Command py -ErrorAction SilentlyContinue) { py -3 -m venv $venv }
    elseif (Get-Command python -ErrorAction SilentlyContinue) { python -m venv $venv }
    else { Write-Error "需要 Python 3.10 或更新版本：https://www.python.org/downloads/windows/"; exit 1 }
}
$py = "$venv\Scripts\python.exe"
$stamp = (Get-FileHash pyproject.toml -Algorithm SHA256).Hash
$done = if (Test-Path "$venv\.installed") { Get-Content "$venv\.installed" } else { "" }
if ($done -ne $stamp) {
    & $py -m pip install -q --upgrade pip
    & $py -m pip install -q -e ".[dev]"
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    Set-Content "$venv\.installed" $stamp
}

switch ($Mode) {
    "setup" { Write-Host "已就绪 / ready." }
    "run"   { & $py main.py @Rest; exit $LASTEXITCODE }
    "test"  {
        $env:QT_QPA_PLATFORM = "offscreen"
        & "$venv\Scripts\ruff.exe" check .; if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
        & "$venv\Scripts\mypy.exe"; if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
        & $py -m pytest @Rest; exit $LASTEXITCODE
    }
    default { Write-Host "用法 / usage: scripts\dev.ps1 run|test|setup"; exit 2 }
}
