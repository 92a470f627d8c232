"""Password hashing with Argon2id (argon2-cffi), never hand-rolled."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()

# Verifying against this keeps an unknown badge as slow as a wrong password. Written out
# rather than hashed at import, which cost every start of the console about a second and
# 64 MB; made with the hasher's own parameters, which a test holds it to.
_DUMMY_HASH = ("$argon2id$v=19$m=65536,t=3,p=4$4QDOOUBl9ENiB7ZbTJihAw$"
               "YZq0kuwcZX5npRmqOVkoMlxFfzNwtmU6Yy3HNawgKLY")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
