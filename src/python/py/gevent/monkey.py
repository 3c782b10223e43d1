"""patch_all() is a no-op: cicada patches time.sleep itself, and has no other blocking calls to patch."""


def patch_all(*args, **kwargs):
    return None
