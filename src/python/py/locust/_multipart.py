"""files= of self.client.post(...): a multipart/form-data body as requests builds it (requests'
_encode_files over urllib3's encode_multipart_formdata), so a server sees the same parts."""
import binascii
import os


def _pairs(value):
    """A dict or a list of (key, value) pairs, as requests' to_key_val_list."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, bool, int)):
        raise ValueError("cannot encode objects that are not 2-tuples")
    return list(value.items()) if hasattr(value, "items") else list(value)


def _quote(value):
    # urllib3's HTML5 form escaping of a name or filename inside its quotes.
    value = value.replace("\\", "\\\\").replace('"', "%22")
    return "".join(f"%{ord(c):02X}" if ord(c) < 0x20 and c != "\x1b" else c for c in value)


def _guess_filename(obj):
    name = getattr(obj, "name", None)
    if name and isinstance(name, (str, bytes)) and name[0:1] not in ("<", b"<") and name[-1:] not in (">", b">"):
        return os.path.basename(name)
    return None


def _part(name, data, filename=None, content_type=None, headers=None):
    disposition = f'form-data; name="{_quote(name)}"'
    if isinstance(filename, bytes):
        filename = filename.decode("utf-8")
    if filename is not None:
        disposition += f'; filename="{_quote(filename)}"'
    lines = ["Content-Disposition: " + disposition]
    if content_type:
        lines.append("Content-Type: " + content_type)
    for k, v in (headers or {}).items():
        if v:
            lines.append(f"{k}: {v}")
    if isinstance(data, int):
        data = str(data)
    if isinstance(data, str):
        data = data.encode("utf-8")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"), bytes(data)


def encode(data, files):
    """(body, content type) of the fields in `data` and the files in `files`. A file is a file object,
    bytes or a str, or a tuple (filename, file[, content type[, extra headers]])."""
    if isinstance(data, (str, bytes)):
        raise ValueError("Data must not be a string.")
    parts = []
    for field, values in _pairs(data):
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            values = [values]
        for value in values:
            if value is None:
                continue
            if isinstance(field, bytes):
                field = field.decode("utf-8")
            parts.append(_part(field, value if isinstance(value, bytes) else str(value)))
    for field, value in _pairs(files):
        content_type = headers = None
        if isinstance(value, (tuple, list)):
            if len(value) == 2:
                filename, content = value
            elif len(value) == 3:
                filename, content, content_type = value
            else:
                filename, content, content_type, headers = value
        else:
            filename, content = _guess_filename(value) or field, value
        if isinstance(content, (str, bytes, bytearray)):
            payload = content
        elif hasattr(content, "read"):
            payload = content.read()
        elif content is None:
            continue
        else:
            payload = content
        parts.append(_part(field, payload, filename, content_type, headers))
    boundary = binascii.hexlify(os.urandom(16)).decode("ascii")
    body = bytearray()
    for head, payload in parts:
        body += b"--" + boundary.encode() + b"\r\n" + head + payload + b"\r\n"
    body += b"--" + boundary.encode() + b"--\r\n"
    return bytes(body), "multipart/form-data; boundary=" + boundary
