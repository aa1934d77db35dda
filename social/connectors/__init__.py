"""One connector per network behind one interface (see ``base``); ``registry`` picks one."""
