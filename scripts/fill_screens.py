"""Save PNGs of the 一表通 windows on a demo community, for looking at them.

    .venv/bin/python scripts/fill_screens.py OUT_DIR [--db PATH]

Builds a 300-household demo database with an officer account when --db does not exist, maps
a department-style file, fills it once (so that 生成记录 has a row) and grabs the 一表通
dialog (both pages), the mapping dialog, the 名单 builder and the registry tab. Offscreen.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--db", type=Path, default=Path("/tmp/ndesk-fill-screens.sqlite3"))
    args = parser.parse_args()

    from models import demo
    from models.core import users
    from models.core.entities import User
    from models.fill import lists as fill_lists
    from models.fill import templates as fill_templates
    from models.fill.lists import ListCriteria
    from models.fill.starters import Starter, build_workbook
    from models.migrations import open_database

    fresh = not args.db.exists()
    open_database(args.db)
    if fresh:
        demo.generate(households=300)
        admin = users.create_first_admin("admin", "系统管理员", "screens1234")
        users.create_user(admin, "jisheng", "王秀英", "casework", "screens1234")
    user = User.get(User.username == "jisheng")

    from ui.app import create_application
    from ui.fill.dialog import FillDialog
    from ui.fill.list_builder import ListBuilderDialog
    from ui.fill.template_dialog import TemplateDialog
    from ui.registry.tab import RegistryTab

    app, _warning = create_application(["fill-screens"])
    args.out.mkdir(parents=True, exist_ok=True)

    def grab(widget, name: str) -> None:
        widget.show()
        for _ in range(10):
            app.processEvents()
        path = args.out / f"{name}.png"
        widget.grab().save(str(path))
        print(path, f"{widget.width()}x{widget.height()}")

    starter = Starter(
        "高龄津贴",
        "民政",
        "",
        ListCriteria(),
        "高龄津贴发放名单（    年  月）",
        (
            ("序号", ()),
            ("姓名", ()),
            ("性别", ()),
            ("年龄", ()),
            ("身份证号码", ()),
            ("现住址", ("小区", "楼栋", "门牌")),
            ("联系电话", ()),
            ("备注", ()),
        ),
        (6, 10, 6, 6, 21, 14, 8, 8, 14, 12),
    )
    folder = Path(tempfile.mkdtemp(prefix="fill-screens-"))
    source = folder / "民政高龄津贴.xlsx"
    source.write_bytes(build_workbook(starter, "幸福社区"))

    fill_templates.templates(user)  # the starter set and its lists
    lists = {info.name: info.id for info in fill_lists.saved_lists(user)}
    list_id = (
        lists.get("八十岁以上（年底）")
        or fill_lists.save_list(
            user, "八十岁以上（年底）", ListCriteria(min_age=80, date_rule="year_end")
        ).id
    )

    mapping = TemplateDialog(user, fill_templates.read_file(user, source), path=str(source))
    mapping.choose_list(list_id)
    note = next(c.index for c in mapping.draft.layout.columns if c.label == "备注")
    mapping.choose(note, "text:已核实")
    mapping.name.setText("高龄津贴发放名单")
    mapping.department.setText("民政")
    grab(mapping, "fill-mapping")
    existing = {t.name: t.id for t in fill_templates.templates(user)}
    if "高龄津贴发放名单" not in existing:
        mapping.save()
        existing = {t.name: t.id for t in fill_templates.templates(user)}
    mapping.close()
    template_id = existing["高龄津贴发放名单"]
    if not fill_templates.history(user, template_id):
        fill_templates.fill(user, template_id, folder / "out.xlsx", recipient="街道民政科")

    dialog = FillDialog(user)
    dialog.select_template(template_id)
    grab(dialog, "fill-dialog")
    dialog.tabs.setCurrentIndex(1)
    grab(dialog, "fill-history")
    dialog.close()

    builder = ListBuilderDialog(user, list_id=list_id)
    grab(builder, "fill-list-builder")
    builder.close()

    tab = RegistryTab(user)
    tab.resize(1366, 697)
    grab(tab, "fill-registry-tab")
    tab.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
