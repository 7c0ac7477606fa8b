# SPDX-License-Identifier: GPL-2.0
# Build against the running kernel, or another with KDIR=/path/to/headers.
KDIR ?= /lib/modules/$(shell uname -r)/build

all:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
