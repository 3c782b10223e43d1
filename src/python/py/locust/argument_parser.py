"""locust.argument_parser: the parser init_command_line_parser listeners get. Locust's own options are
parsed by cicada (C++); only the locustfile's own ones are parsed here (locust._loader.parse_options)."""
import argparse


class LocustArgumentParser(argparse.ArgumentParser):
    """argparse, accepting Locust's extra keywords of add_argument (they only matter to Locust's web UI)."""

    def add_argument(self, *args, **kwargs):
        for keyword in ("include_in_web_ui", "env_var", "is_secret"):
            kwargs.pop(keyword, None)
        return super().add_argument(*args, **kwargs)


def get_empty_argument_parser(add_help=True, default_config_files=None):
    return LocustArgumentParser(prog="cicada", add_help=add_help)
