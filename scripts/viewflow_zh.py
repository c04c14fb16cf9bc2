"""Fill Viewflow's empty zh_Hans catalogue with our Chinese translations.

Usage: .venv/bin/python scripts/viewflow_zh.py locale/zh_Hans/LC_MESSAGES/django.po
then compilemessages. Re-run when Viewflow is upgraded; unknown strings are listed on stderr.
"""

import ast
import glob
import sys
from pathlib import Path

SRC = glob.glob(".venv/lib/python3*/site-packages/viewflow/locale/zh_Hans/LC_MESSAGES/django.po")[0]
T = {
    "Administration": "系统管理",
    "Fantastic!": "欢迎回来！",
    "That looks awesome!": "欢迎回来！",
    "You are looking very well today!": "欢迎回来！",
    "I totally admire your spontaneity.": "欢迎回来！",
    "I like your new haircut.": "欢迎回来！",
    "What a beautiful costume!": "欢迎回来！",
    "You look very good in that suit": "欢迎回来！",
    "I love your style.": "欢迎回来！",
    "I love your hair today": "欢迎回来！",
    "That color looks great on you!": "欢迎回来！",
    "Format": "格式",
    "YYYY": "年",
    "MM": "月",
    "DD": "日",
    "HH": "时",
    "SS": "秒",
    "AM/PM": "上午/下午",
    "Transition is not allowed": "当前状态不允许此操作",
    "%(label)s %(name)s": "%(label)s%(name)s",
    "Invalid transition": "无效的状态变更",
    "Bad Request": "请求有误",
    "View site": "返回首页",
    "Access Forbidden": "无权访问",
    "You are not logged in": "您尚未登录",
    "%(user)s have no rights to access this page": "%(user)s 无权访问此页面",
    "Log in": "登录",
    "Log in as another user": "以其他用户登录",
    "Page not found": "页面不存在",
    "We're sorry, but the requested page could not be found.": "抱歉，您要访问的页面不存在或您无权查看。",
    "Server error": "服务器错误",
    "There's been an error. It's been reported to the site administrators via email and should be fixed shortly. Thanks for your patience.": "系统出现错误，已通知管理员尽快处理，请稍后再试。",
    "Recover deleted %(name)s": "恢复已删除的%(name)s",
    "Graph": "流程图",
    "Filter": "筛选",
    "Home": "首页",
    "Please correct the error below.": "请更正下面的错误。",
    "Please correct the errors below.": "请更正下面的错误。",
    "Yes, I’m sure": "确定",
    "No, take me back": "返回",
    "first step": "第一步",
    "prev step": "上一步",
    "Logout": "退出登录",
    "Log out": "退出登录",
    "Thanks for spending some quality time with the Web site today.": "您已安全退出。",
    "Log in again": "重新登录",
    "Viewflow Demo suite": "信用修复与异议办理",
    "Reset password": "重置密码",
    "Profile": "个人信息",
    "Your password was changed.": "密码已修改。",
    "Change": "修改",
    "Your password has been set.  You may go ahead and log in now.": "密码已设置，现在可以登录。",
    "Please enter your new password twice so we can verify you typed it in correctly.": "请输入两次新密码以确认。",
    "The password reset link was invalid, possibly because it has already been used.  Please request a new password reset.": "重置密码链接无效（可能已使用），请重新申请。",
    "We’ve emailed you instructions for setting your password, if an account exists with the email you entered. You should receive them shortly.": "如该邮箱对应的账号存在，设置密码的说明已发送到该邮箱。",
    "If you don’t receive an email, please make sure you’ve entered the address you registered with, and check your spam folder.": "如未收到邮件，请确认邮箱地址无误并检查垃圾邮件。",
    "Forgotten your password? Enter your email address below, and we’ll email instructions for setting a new one.": "忘记密码？请输入邮箱地址，我们将发送设置新密码的说明。",
    "Change my password": "修改密码",
    "Cancel": "取消",
    "Reset": "重置",
    "Change password": "修改密码",
    "Edit": "编辑",
    "Submit": "提交",
    "Login": "登录",
    "Export": "导出",
    "\n                        Export the %(name)s\n                      ": "\n导出%(name)s",
    "\n                        Export all %(plural_name)s\n                      ": "\n导出全部%(plural_name)s",
    "Back": "返回",
    "Pick an action": "选择操作",
    "Applications": "应用",
    "Delete": "删除",
    '"%(escaped_object)s" and all of the following related items will be deleted': "将删除“%(escaped_object)s”及以下关联数据",
    "\n                        Are you sure you want to delete the %(name)s and related items?\n                      ": "\n确定删除%(name)s及其关联数据？",
    "\n                        Are you sure you want to delete all %(plural_name)s and related items?\n                      ": "\n确定删除全部%(plural_name)s及其关联数据？",
    "New": "新建",
    "Add": "添加",
    "Save": "保存",
    "Confirm": "确认",
    "Dashboard": "工作台",
    "Inbox": "我的待办",
    "Queue": "待认领",
    "Archive": "已办",
    "No rights to execute": "无权办理",
    "Created": "创建时间",
    "Assigned": "已认领",
    "Execute": "办理",
    "Assign": "认领",
    "View": "查看",
    "Show all": "全部",
    "Finished": "完成时间",
    "Process list": "流程列表",
    "#": "编号",
    "Description": "说明",
    "Owner": "经办人",
    "Started": "开始时间",
    "Status": "状态",
    "Start": "发起",
    "Start and continue": "发起并继续",
    "Execute and continue": "办理并继续",
    "Assign and continue": "认领并办理",
    "Previous tasks": "前序环节",
    "No previous tasks": "无前序环节",
    "Next tasks": "后续环节",
    "No next tasks": "无后续环节",
    "Revive": "重新激活",
    "Unassign": "退回待认领",
    "Undo": "撤销",
    "Assign selected tasks": "认领所选任务",
    "Task": "任务",
    "Brief": "摘要",
    "Process brief": "流程摘要",
    "confirm": "确认",
    "Unassign selected tasks": "退回所选任务",
    "New process": "新建流程",
    "The {obj} was added successfully. {link}": "{obj}已添加。{link}",
    "The {obj} was deleted successfully.": "{obj}已删除。",
    "The {obj} was changed successfully. {link}": "{obj}已修改。{link}",
    "Workflow": "办案工作台",
    "Task {task} has been assigned.": "任务 {task} 已认领。",
    "Task {task} has been unassigned.": "任务 {task} 已退回待认领。",
    "Task {task} has been canceled.": "任务 {task} 已取消。",
    "Task {task} has been undone.": "任务 {task} 已撤销。",
    "Task {task} has been revived.": "任务 {task} 已重新激活。",
    "Process #{self.object.pk} can not be canceled.": "流程 #{self.object.pk} 不能取消。",
    "Process #{self.object.pk} has been canceled.": "流程 #{self.object.pk} 已取消。",
    "Process {process} has been started.": "流程 {process} 已发起。",
    "You have no rights to view this task": "您无权查看此任务",
    "Task {task} has been completed.": "任务 {task} 已办结。",
    "Processes": "流程",
    "Flow": "流程类型",
    "Type": "类型",
    "Previous": "前序",
    "Token": "令牌",
    "External Task ID": "外部任务编号",
    "Permission": "权限",
    "Process": "流程",
    "Tasks": "任务",
    "Active": "办理中",
    "Canceled": "已取消",
    "Completed": "已完成",
    ("STATUS", "Canceled"): "已取消",
    ("STATUS", "Done"): "已完成",
    ("STATUS", "New"): "待认领",
    ("STATUS", "Assigned"): "已认领",
    ("STATUS", "Error"): "出错",
    ("STATUS", "Revived"): "已重新激活",
    ("STATUS", "Scheduled"): "已排期",
    ("STATUS", "Started"): "办理中",
}

PLURALS = {
    "Export": "\n导出%(objects_count)s项%(plural_name)s",
    "Are": "\n确定删除%(objects_count)s项%(plural_name)s及其关联数据？",
}
HEADER = (
    "# Chinese for Viewflow's interface (its own zh_Hans catalogue ships empty). Filled by hand; regenerate with\n"
    "# scripts/viewflow_zh.py when Viewflow is upgraded.\n"
)

HEADER_FIELDS = [
    ("PACKAGE VERSION", "credit-repair viewflow-zh"),
    ("YEAR-MO-DA HO:MI+ZONE", "2026-12-01 15:00+0800"),
    ("FULL NAME <EMAIL@ADDRESS>", "credit-repair team"),
    ("LANGUAGE <LL@li.org>", "zh_Hans"),
    ('"Language: \\n"', '"Language: zh_Hans\\n"'),
    ("charset=CHARSET", "charset=UTF-8"),
]


def unquote(parts: list[str]) -> str:
    return "".join(ast.literal_eval(part) for part in parts)


def parse(lines: list[str]) -> tuple[str | None, str, str | None]:
    """(context, msgid, msgid_plural) of one catalogue entry."""
    ctx, mid, plural = None, [], None
    cur: list[str] | None = None
    for line in lines:
        if line.startswith("#"):
            continue
        if line.startswith("msgctxt "):
            ctx, cur = ast.literal_eval(line[8:]), None
        elif line.startswith("msgid_plural "):
            plural = [line[13:]]
            cur = plural
        elif line.startswith("msgid "):
            mid = [line[6:]]
            cur = mid
        elif line.startswith("msgstr"):
            cur = None
        elif line.startswith('"') and cur is not None:
            cur.append(line)
    return ctx, unquote(mid), unquote(plural) if plural is not None else None


def without_msgstr(lines: list[str]) -> list[str]:
    kept, skipping = [], False
    for line in lines:
        if line.startswith("msgstr"):
            skipping = True
            continue
        if skipping and line.startswith('"'):
            continue
        skipping = False
        if not line.startswith("#, fuzzy"):
            kept.append(line)
    return kept


def translate(block: str, missing: list) -> str:
    lines = block.split("\n")
    ctx, key, plural = parse(lines)
    if key == "":
        for old, new in HEADER_FIELDS:
            block = block.replace(old, new)
        return block
    if plural is not None:
        tr = PLURALS[plural.split()[0]]
    else:
        tr = T.get((ctx, key)) if ctx else T.get(key)
    if tr is None:
        missing.append((ctx, key))
        tr = ""
    esc = tr.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    msgstr = f'msgstr[0] "{esc}"' if plural is not None else f'msgstr "{esc}"'
    return "\n".join([*without_msgstr(lines), msgstr])


def main(target: str) -> None:
    missing: list = []
    blocks = Path(SRC).read_text(encoding="utf-8").strip().split("\n\n")
    out = [translate(block, missing) for block in blocks]
    print("missing:", missing, file=sys.stderr)
    Path(target).write_text(HEADER + "\n\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
