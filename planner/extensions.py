"""Extension objects, created once and bound to the app in create_app()."""

from typing import TYPE_CHECKING

from flask_compress import Compress
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from planner.database import Base

db = SQLAlchemy(model_class=Base)

# The base class of every model: `db.Model`. Flask-SQLAlchemy builds it at runtime from
# Base (same registry and metadata, plus its Model mixin: `query`, `__repr__`, binds) and
# types the attribute as a variable, which a type checker cannot subclass. The checker sees
# the same class spelled out: Flask-SQLAlchemy's Model on top of our typed Base.
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskModel

    class Model(_FlaskModel, Base): ...

else:
    Model = db.Model

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()
