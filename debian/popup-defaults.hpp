// Included first in every file the package compiles (debian/rules): the
// packaged postern-popup's network side runs as the account postinst makes,
// chrooted into the folder the package installs.
#define POSTERN_POPUP_USER_DEFAULT "postern-net"
#define POSTERN_POPUP_ROOT_DEFAULT "/var/lib/postern/empty"
