"""A small IMAP4rev1 server for tests, enough for imaplib and the desk's poller: CAPABILITY, LOGIN, SELECT,
UID SEARCH (ALL / UNSEEN), UID FETCH (RFC822), UID STORE +FLAGS (\\Seen), NOOP, LOGOUT. One mailbox of letters held
in memory, served on 127.0.0.1 at a free port from a thread; what the client did is kept in `commands`."""

import re
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Letter:
    uid: int
    raw: bytes
    seen: bool = False


@dataclass
class Mailbox:
    user: str = "desk@shop.example"
    password: str = "secret"
    folder: str = "INBOX"
    letters: list[Letter] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, raw: bytes) -> Letter:
        with self.lock:
            letter = Letter(uid=len(self.letters) + 1, raw=raw)
            self.letters.append(letter)
            return letter

    def find(self, uid: str) -> Letter | None:
        return next((letter for letter in self.letters if str(letter.uid) == uid), None)


def _words(text: str) -> list[str]:
    return [part.strip('"') for part in re.findall(r'"[^"]*"|\(.*?\)|\S+', text)]


class _Session(socketserver.StreamRequestHandler):
    server: "_Server"

    def _send(self, line: str | bytes) -> None:
        self.wfile.write((line.encode() if isinstance(line, str) else line) + b"\r\n")

    def handle(self) -> None:
        box = self.server.mailbox
        authed = selected = False
        self._send("* OK [CAPABILITY IMAP4rev1] test server ready")
        while line := self.rfile.readline():
            tag, _, rest = line.decode().rstrip("\r\n").partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            box.commands.append(f"{command} {args}".strip())
            if command == "CAPABILITY":
                self._send("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
            elif command == "NOOP":
                pass
            elif command == "LOGOUT":
                self._send("* BYE logging out")
                self._send(f"{tag} OK LOGOUT completed")
                return
            elif command == "LOGIN":
                user, password = (_words(args) + ["", ""])[:2]
                if (user, password) != (box.user, box.password):
                    self._send(f"{tag} NO [AUTHENTICATIONFAILED] invalid credentials")
                    continue
                authed = True
            elif command == "SELECT" and authed:
                if _words(args)[:1] != [box.folder]:
                    self._send(f"{tag} NO no such mailbox")
                    continue
                selected = True
                self._send(f"* {len(box.letters)} EXISTS")
                self._send("* 0 RECENT")
                self._send("* OK [UIDVALIDITY 1] UIDs valid")
                self._send(f"{tag} OK [READ-WRITE] SELECT completed")
                continue
            elif command == "UID" and selected:
                self._uid(tag, _words(args), box)
                continue
            else:
                self._send(f"{tag} BAD unknown or out-of-state command")
                continue
            self._send(f"{tag} OK {command} completed")

    def _uid(self, tag: str, words: list[str], box: Mailbox) -> None:
        action = words[0].upper() if words else ""
        if action == "SEARCH":
            unseen_only = [word.upper() for word in words[1:]] == ["UNSEEN"]
            uids = [str(letter.uid) for letter in box.letters if not (unseen_only and letter.seen)]
            self._send("* SEARCH" + "".join(f" {uid}" for uid in uids))
        elif action == "FETCH" and len(words) >= 3:
            letter = box.find(words[1])
            if letter is not None:
                self._send(f"* {letter.uid} FETCH (UID {letter.uid} RFC822 {{{len(letter.raw)}}}".encode())
                self.wfile.write(letter.raw)
                self._send(")")
        elif action == "STORE" and len(words) >= 4 and "\\SEEN" in words[3].upper():
            letter = box.find(words[1])
            if letter is not None:
                letter.seen = words[2].startswith("+")
                flags = "\\Seen" if letter.seen else ""
                self._send(f"* {letter.uid} FETCH (UID {letter.uid} FLAGS ({flags}))")
        else:
            self._send(f"{tag} BAD unsupported UID command")
            return
        self._send(f"{tag} OK UID {action} completed")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mailbox: Mailbox):
        super().__init__(("127.0.0.1", 0), _Session)
        self.mailbox = mailbox


class ImapServer:
    """`with ImapServer() as server:` — server.port, server.mailbox."""

    def __init__(self, mailbox: Mailbox | None = None):
        self.mailbox = mailbox or Mailbox()
        self._server = _Server(self.mailbox)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "ImapServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
