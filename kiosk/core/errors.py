"""Errors that carry a message meant for a person, not a traceback."""


class KioskError(Exception):
    """An error whose message tells the user what is wrong and how to fix it."""

    exit_code = 1


class SeedError(KioskError):
    """The seed records are malformed or quote text that is not in the seed document."""


class DatabaseError(KioskError):
    """The database is missing, unreadable or corrupt."""


class DatabaseBusyError(DatabaseError):
    """Another program holds the database's write lock longer than this one waits; nothing was written."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("数据库正忙（另一个程序正在写入），这次没有保存；请稍后再试一次。"
                         "The database is busy (another program is writing to it): nothing was saved, "
                         "try again in a moment" + (f" ({detail})" if detail else ""))
