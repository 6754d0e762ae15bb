"""The build backend of `pip install ./python`: setuptools, taken from the installing Python when it has it.

pip builds in an isolated environment and would download setuptools there, which fails offline.
This thin layer (PEP 517, in-tree) uses the setuptools already installed next to the Python that
runs pip when there is one, and otherwise asks pip for setuptools as usual.
"""
import sys
import sysconfig


def _setuptools():
    """setuptools.build_meta from the isolated environment, else from the installing Python's own site-packages."""
    try:
        import setuptools.build_meta as backend
        return backend
    except ImportError:
        pass
    for key in ("purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path and path not in sys.path:
            sys.path.append(path)
    try:
        import setuptools.build_meta as backend
        return backend
    except ImportError:
        return None


def _requires(hook, config_settings):
    """What a build needs beyond setuptools' own answer: setuptools itself when it is missing."""
    backend = _setuptools()
    if backend is None:
        return ["setuptools>=61"]
    return getattr(backend, hook)(config_settings)


def get_requires_for_build_wheel(config_settings=None):
    """Nothing more when setuptools is at hand; setuptools itself otherwise."""
    return _requires("get_requires_for_build_wheel", config_settings)


def get_requires_for_build_sdist(config_settings=None):
    """Nothing more when setuptools is at hand; setuptools itself otherwise."""
    return _requires("get_requires_for_build_sdist", config_settings)


def get_requires_for_build_editable(config_settings=None):
    """Nothing more when setuptools is at hand; setuptools itself otherwise."""
    return _requires("get_requires_for_build_editable", config_settings)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    """setuptools' metadata."""
    return _setuptools().prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    """setuptools' wheel."""
    return _setuptools().build_wheel(wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory, config_settings=None):
    """setuptools' source distribution."""
    return _setuptools().build_sdist(sdist_directory, config_settings)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """setuptools' editable wheel."""
    return _setuptools().build_editable(wheel_directory, config_settings, metadata_directory)
