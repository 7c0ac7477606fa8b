/*
 * The root port at 00:04.0 (QEMU's DSDT names it S20, after its devfn) as
 * an external-facing port, as firmware describes a Thunderbolt or USB4
 * port: the kernel then marks every device below it untrusted
 * (drivers/pci/pci-acpi.c pci_acpi_set_external_facing(),
 * drivers/pci/probe.c set_pcie_untrusted()), and the IOMMU layer bounces its
 * sub-granule buffers and never defers its IOTLB flushes.
 */
DefinitionBlock ("", "SSDT", 2, "DMAPLN", "EXTPORT", 1)
{
    External (\_SB.PCI0.S20, DeviceObj)
    Scope (\_SB.PCI0.S20)
    {
        Name (_DSD, Package ()
        {
            ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
            Package ()
            {
                Package () { "ExternalFacingPort", 1 },
            }
        })
    }
}
